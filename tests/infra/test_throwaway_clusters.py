"""The suite's own PostgreSQL clusters (conftest's session cluster, the fault tests' cluster) are
removed from the temporary directory when the session ends: `make test` leaves nothing behind."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_a_test_session_leaves_no_cluster_in_the_temporary_directory():
    scratch = Path(tempfile.mkdtemp(prefix="avenir-cleanup-check-"))
    try:
        session_tmp = scratch / "tmp"
        session_tmp.mkdir()
        scratch.chmod(0o755)  # the clusters' postgres OS user must reach them
        session_tmp.chmod(0o777)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_SECRET_ARN")}
        env["TMPDIR"] = str(session_tmp)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={scratch / 'basetemp'}",
             "tests/infra/test_cli.py::test_the_placeholder_key_never_authenticates",
             "tests/platform/test_faults.py::test_a_statement_that_runs_too_long_is_cancelled_on_both_transaction_paths"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "2 passed" in result.stdout
        assert sorted(p.name for p in session_tmp.iterdir()) == []
    finally:
        shutil.rmtree(scratch)
