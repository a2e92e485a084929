"""Each payer's settings file from the demo can be sourced by a shell and gives back exactly
that payer's settings (values with spaces and `|` included), readable by its owner only."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

from p2p.cli.demo_report import write_env_files
from p2p.payer_pair import pair_settings
from p2p.settings import as_environment, load_settings


def test_a_sourced_settings_file_gives_back_the_payers_settings(tmp_path: Path) -> None:
    pair = pair_settings(load_settings(), tmp_path, tmp_path / "population", (18081, 18082))
    files = write_env_files(pair, tmp_path)
    for side in (pair.a, pair.b):
        path = files[side.payer_id]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        dump = "import json, os; print(json.dumps({k: v for k, v in os.environ.items() if k.startswith('P2P_')}))"
        shell = subprocess.run(["bash", "-c", f'set -a; . "{path}"; set +a; python3 -c "{dump}"'],
                               env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=True)  # fmt: skip
        assert shell.stderr == ""
        assert json.loads(shell.stdout) == as_environment(side)
    assert "Payer A" in files["payer-a"].read_text() and "|" in files["payer-a"].read_text()
