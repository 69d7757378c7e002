"""`python -m launch …` is the `snapmode` command (where the console script is not on the PATH)."""

from launch.cli.main import app

app(prog_name="snapmode")
