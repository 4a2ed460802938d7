from physml_cli.cli import main

main()
