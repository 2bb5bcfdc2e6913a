from hotline_desk.cli import main

raise SystemExit(main())
