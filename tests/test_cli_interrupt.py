"""Ctrl-C on the command line, in any mode: one line on standard error and exit status 130, never a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time


def test_ctrl_c_during_a_long_derivative_is_one_line_and_status_130():
    process = subprocess.Popen([sys.executable, "-m", "symdiff", "sin(sin(sin(sin(sin(x)))))", "--order", "12",
                                "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # started and working: with 60 s to spend, this order runs for about half a minute
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip() == "symdiff: interrupted" and "Traceback" not in err and out == ""
