"""Runs the aws CLI's own driver (awscli.clidriver, what the `aws` script runs) once per request line, in one
long-lived interpreter, so that a test's hundreds of `aws` commands do not each pay Python's start and botocore's
import (about 1 s of CPU each through pyenv's shim on the test machines, 0.25 s here). Every command gets a new
driver and a new botocore session, with exactly the environment the `aws` process would have had.

Protocol: one JSON object per line on stdin, {"args": [...], "env": {"NAME": "value" or null}}; one JSON object per
line on stdout, {"rc": int, "out": str, "err": str}.
"""
import contextlib
import io
import json
import os
import sys
import traceback

from awscli.clidriver import create_clidriver

base = dict(os.environ)
reply = sys.stdout
for line in sys.stdin:
    request = json.loads(line)
    environment = dict(base)
    for name, value in request["env"].items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    os.environ.clear()
    os.environ.update(environment)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = create_clidriver().main(request["args"])
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 255)
        except BaseException:
            traceback.print_exc()
            rc = 255
    reply.write(json.dumps({"rc": rc, "out": out.getvalue(), "err": err.getvalue()}) + "\n")
    reply.flush()
