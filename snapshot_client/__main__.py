from snapshot_client.cli import main

raise SystemExit(main())
