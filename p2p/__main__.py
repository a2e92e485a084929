from p2p.cli.main import main

main()
