"""`python -m webcare_research` runs the `webcare` command line."""
from webcare_research.cli import main

main()
