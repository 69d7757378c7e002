from snapmode.cli.main import app

app(prog_name="snapmode")
