from daiko.cli.app import main

main()
