import sys

from ikodesk.app import main

sys.exit(main())
