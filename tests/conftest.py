import sys
from pathlib import Path

# tests/support is shared by every suite.
sys.path.insert(0, str(Path(__file__).parent))
