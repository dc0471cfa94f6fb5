"""Every notebook, opened and run in JupyterLab as a learner would.

The test starts JupyterLab with the README's own command,
``python3 tasks.py lab``, opens each numbered notebook in headless
Chromium, clears the stored outputs, runs all cells from the Run menu and
waits for the last one. Then it checks what the learner sees: no cell
shows an error (apart from cells tagged ``raises-exception``), every
figure of the stored notebook rendered again as an image, and the text of
every ``# NBVAL_CHECK_OUTPUT`` cell appeared again. Screenshots of each
notebook after its run, top to bottom, go to artifacts/screenshots/
(kept by CI as an artefact, never committed).

It needs Debian's ``chromium`` and the Python ``playwright`` package (the
``test`` extra) and is skipped where either is missing; it never downloads
a browser. JupyterLab runs on 127.0.0.1 without a token, with its news,
update checks and autosave turned off by a settings override and its
per-user state in a temporary folder, so neither the notebooks nor the
user's home are changed.
"""

import contextlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
SCREENSHOT_DIR = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium")  # Debian's; Playwright downloads none
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Silence the news and update prompts, never save a notebook, and attach
# every cell to the page so that all outputs can be inspected.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
# Skip the check for a stale JupyterLab build that each page load starts
# (seconds of CPU, and nothing a pip-installed JupyterLab needs).
LAB_PAGE_CONFIG = {"buildCheck": False, "buildAvailable": False}
STARTUP_TIMEOUT_S = 300  # includes tasks.py installing into .venv if needed
KERNEL_TIMEOUT_S = 60
RUN_TIMEOUT_S = 300  # one notebook; each should take about a minute
SCREENSHOT_HEIGHT = 8000  # pixels of notebook in one screenshot, at most
IMAGE_TYPES = ("image/png", "image/jpeg")

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="the browser test needs Chromium (Debian: apt-get install chromium)",
    ),
    pytest.mark.skipif(
        sync_playwright is None,
        reason="the browser test needs Playwright (pip install -e '.[test]')",
    ),
]


# --- JupyterLab -----------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method, url, headers=None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


class Lab:
    """JupyterLab started by ``python3 tasks.py lab``, isolated in ``tmp``."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "jupyterlab.log"
        app_settings = tmp / "app-settings"
        app_settings.mkdir()
        (app_settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES))
        (app_settings / "page_config.json").write_text(json.dumps(LAB_PAGE_CONFIG))

        # Per-user Jupyter and IPython state goes to the temporary folder:
        # a learner's own configuration cannot change the result, and the
        # test leaves nothing behind in their home.
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # a learner gets inline PNG figures
        for name, folder in [
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ]:
            env[name] = str(tmp / folder)
        self.runtime_dir = tmp / "runtime"

        command = [
            shutil.which("python3") or "python3",
            "tasks.py",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--LabApp.app_settings_dir={app_settings}",
            "--LabApp.expose_app_in_browser=True",
        ]
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_tail(self, n_lines=30):
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n_lines:])

    def wait_until_ready(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"`python3 tasks.py lab` exited with code "
                    f"{self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                http("GET", f"{self.url}/api/status")
                return
            except OSError:
                time.sleep(0.5)
        pytest.fail(
            f"JupyterLab did not answer within {STARTUP_TIMEOUT_S} s:\n"
            f"{self.log_tail()}"
        )

    def shut_down_kernels(self):
        # The server wants the same XSRF token in a cookie and a header.
        token = secrets.token_hex(16)
        headers = {"Cookie": f"_xsrf={token}", "X-XSRFToken": token}
        for kernel in http("GET", f"{self.url}/api/kernels"):
            http("DELETE", f"{self.url}/api/kernels/{kernel['id']}", headers)

    def server_pid(self):
        for path in self.runtime_dir.glob("jpserver-*.json"):
            info = json.loads(path.read_text())
            if info.get("port") == self.port:
                return info["pid"]
        return None

    def stop(self):
        """Stop the kernels and the server; SIGKILL what ignores SIGTERM."""
        try:
            self.shut_down_kernels()
        except OSError:
            pass
        pid = self.server_pid()
        try:
            if pid:  # tasks.py returns once `jupyter lab` has stopped
                os.kill(pid, signal.SIGTERM)
            else:
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        # `jupyter lab` sometimes hangs at shutdown, in an idle thread.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        self.process.wait(timeout=10)
        self.kill_leftover_kernels()
        self.log.close()

    def kill_leftover_kernels(self):
        """Kill kernels of this server that outlived it (their connection
        files lie in its runtime folder; Linux only)."""
        proc = Path("/proc")
        if not proc.is_dir():
            return
        marker = str(self.runtime_dir).encode()
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if marker in (entry / "cmdline").read_bytes():
                    os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


# --- What the stored notebook promises -------------------------------------


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def checks_output(cell):
    return "# NBVAL_CHECK_OUTPUT" in cell.source or "nbval-check-output" in tags(cell)


def plain_text(cell):
    """The stored text of a cell's outputs that renders as plain text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            data = output.get("data", {})
            if set(data) == {"text/plain"}:
                parts.append(data["text/plain"])
    return "".join(parts)


def code_cell_indices(nb):
    """Indices of the code cells that Run All executes (not the empty ones)."""
    return [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()
    ]


def squash(text):
    return " ".join(text.split())


def image_count(cell):
    return sum(
        any(kind in output.get("data", {}) for kind in IMAGE_TYPES)
        for output in cell.get("outputs", [])
    )


# --- Driving JupyterLab ----------------------------------------------------

# The notebook panel of ``path``; JupyterLab runs with expose_app_in_browser
# so that the test can read the notebook's live model: the page shows an
# error and a warning alike, as red stderr text, but the model knows which
# is which.
PANEL = """
[...window.jupyterapp.shell.widgets('main')]
  .find(widget => widget.context && widget.context.path === path)
"""

# True once Run All is over: no cell is queued or running, and either every
# code cell that should run has its execution count or an error stopped it.
RUN_FINISHED = f"""
([path, indices, allowed]) => {{
  const cells = ({PANEL}).content.model.cells;
  let running = 0, counted = 0, stopped = false;
  for (const i of indices) {{
    const cell = cells.get(i);
    if (cell.executionState === 'running') running += 1;
    else if (cell.executionCount !== null) counted += 1;
    for (let j = 0; j < cell.outputs.length; j += 1) {{
      if (cell.outputs.get(j).type === 'error' && !allowed.includes(i)) {{
        stopped = true;
      }}
    }}
  }}
  return running === 0 && (counted === indices.length || stopped);
}}
"""

RUNNING_CELLS = f"""
(path) => [...({PANEL}).content.model.cells]
  .map((cell, i) => cell.executionState === 'running' ? i : -1)
  .filter(i => i >= 0)
"""

# The live notebook as nbformat JSON, and for each cell what the page
# shows: its figures (decoded or not) and its output text.
READ_NOTEBOOK = f"""
(path) => {{
  const panel = {PANEL};
  const shown = [...panel.content.widgets].map(cell => ({{
    images: [...cell.node.querySelectorAll('.jp-OutputArea-output img')].map(
      img => img.complete ? img.naturalWidth : 0),
    text: cell.node.querySelector('.jp-OutputArea')?.innerText ?? '',
  }}));
  return [panel.context.model.toJSON(), shown];
}}
"""

IMAGES_LOADED = """
() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea img')]
  .every(img => img.complete)
"""

OUTPUTS_CLEARED = """
() => !document.querySelector('.jp-NotebookPanel .jp-OutputArea-output') &&
  ![...document.querySelectorAll('.jp-NotebookPanel .jp-InputPrompt')]
    .some(prompt => /[0-9*]/.test(prompt.textContent))
"""


def click_menu(page, menu, command):
    label = re.compile(f"^{menu}$")
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=label).click()
    page.locator(f'.lm-Menu li[data-command="{command}"]').click()


def dialog_text(page):
    dialogs = page.locator(".jp-Dialog")
    return dialogs.first.inner_text() if dialogs.count() else ""


def open_notebook(page, lab, path, n_cells):
    """Open ``path`` in a fresh workspace and wait until its kernel can take
    a Run All.

    The kernel indicator says Idle before the kernel's websocket is
    connected, and a Run All clicked then is silently dropped; the first
    ``kernel_info_reply`` on the websocket shows that it is connected.
    """
    replies = []

    def on_frame(payload):
        if isinstance(payload, bytes):
            payload = payload.decode("latin-1")
        if "kernel_info_reply" in payload:
            replies.append(payload)

    def on_websocket(websocket):
        if "/channels" in websocket.url:
            websocket.on("framereceived", on_frame)

    page.on("websocket", on_websocket)
    page.goto(f"{lab.url}/lab/tree/{path.name}?reset")
    deadline = time.monotonic() + KERNEL_TIMEOUT_S
    page.wait_for_function(
        f"([path, n]) => {{ const panel = {PANEL};"
        " return !!panel && panel.content.widgets.length === n; }",
        arg=[path.name, n_cells],
        timeout=KERNEL_TIMEOUT_S * 1000,
    )
    while not replies:
        if time.monotonic() > deadline:
            pytest.fail(
                f"{path.name}: the kernel did not connect within "
                f"{KERNEL_TIMEOUT_S} s. {dialog_text(page)}\n{lab.log_tail()}"
            )
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)


def save_screenshots(page, path):
    """Save the whole notebook, top to bottom, in a few tall screenshots."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOT_DIR.glob(f"{path.stem}-*.png"):
        old.unlink()
    size = page.viewport_size
    scroll = "document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')"
    total, visible = page.evaluate(
        f"() => [{scroll}.scrollHeight, {scroll}.clientHeight]"
    )
    chrome = size["height"] - visible  # menus, toolbar and status bar
    page.set_viewport_size(
        {"width": size["width"], "height": chrome + min(total, SCREENSHOT_HEIGHT)}
    )
    page.wait_for_timeout(300)
    visible = page.evaluate(f"() => {scroll}.clientHeight")
    n_shots = max(1, math.ceil(total / visible))
    for k in range(n_shots):
        page.evaluate(f"(top) => {{ {scroll}.scrollTop = top; }}", k * visible)
        page.wait_for_timeout(200)
        page.screenshot(path=SCREENSHOT_DIR / f"{path.stem}-{k + 1}.png")
    page.set_viewport_size(size)
    return SCREENSHOT_DIR.relative_to(ROOT) / f"{path.stem}-*.png"


def run_all(page, lab, path, nb):
    """Run ``path`` in JupyterLab; return the live notebook, what each cell
    shows, and where the screenshots are."""
    code_cells = code_cell_indices(nb)
    allowed = [i for i in code_cells if "raises-exception" in tags(nb.cells[i])]
    open_notebook(page, lab, path, len(nb.cells))

    # Clear the stored outputs first, so that everything checked comes from
    # this run, then run all cells from the Run menu as a learner does.
    click_menu(page, "Edit", "editmenu:clear-all")
    page.wait_for_function(OUTPUTS_CLEARED)
    click_menu(page, "Run", "runmenu:run-all")
    try:
        page.wait_for_function(
            RUN_FINISHED,
            arg=[path.name, code_cells, allowed],
            timeout=RUN_TIMEOUT_S * 1000,
            polling=250,
        )
    except PlaywrightError:
        running = page.evaluate(RUNNING_CELLS, path.name)
        where = f"cell {running[0]} was still running" if running else ""
        screenshots = save_screenshots(page, path)
        pytest.fail(
            f"{path.name}: Run All did not finish within {RUN_TIMEOUT_S} s; "
            f"{where} (screenshots: {screenshots}). {dialog_text(page)}"
        )
    try:
        page.wait_for_function(IMAGES_LOADED, timeout=10_000)
    except PlaywrightError:
        pass  # reported figure by figure
    live, shown = page.evaluate(READ_NOTEBOOK, path.name)
    return nbformat.from_dict(live), shown, save_screenshots(page, path)


def problems_in(stored, live, shown):
    """What a learner would see go wrong, one line per problem."""
    problems = []
    for i in code_cell_indices(stored):
        cell = live.cells[i]
        lines = stored.cells[i].source.strip().splitlines()
        first_line = next((x for x in lines if not x.startswith("# NBVAL")), "")
        where = f"cell {i} ({first_line[:60]!r})"
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors and "raises-exception" not in tags(stored.cells[i]):
            traceback = "\n".join(errors[0].get("traceback", []))
            traceback = re.sub(r"\x1b\[[0-9;]*m", "", traceback)
            problems.append(f"{where} shows an error:\n{traceback[-2000:]}")
            return problems  # Run All stops here
        if cell.execution_count is None:
            problems.append(f"{where} did not run")
            continue

        images = shown[i]["images"]
        if any(width == 0 for width in images):
            problems.append(f"{where}: a figure failed to render")
        if len(images) < image_count(cell):
            problems.append(f"{where}: a figure is missing from the page")
        if image_count(cell) < image_count(stored.cells[i]):
            problems.append(
                f"{where} made {image_count(cell)} figure(s), the stored "
                f"notebook {image_count(stored.cells[i])}"
            )
        expected = plain_text(stored.cells[i])
        if checks_output(stored.cells[i]) and squash(expected) not in squash(
            shown[i]["text"]
        ):
            problems.append(
                f"{where} should show:\n{expected}\nbut shows:\n{shown[i]['text']}"
            )

    # The notebook's last word: if its last code cell showed something when
    # it was stored, the learner must see something there too.
    code_cells = code_cell_indices(stored)
    last = code_cells[-1] if code_cells else None
    if last is not None and stored.cells[last].outputs:
        if not (shown[last]["text"].strip() or shown[last]["images"]):
            problems.append(f"the last code cell (cell {last}) shows no output")
    return problems


# --- The test ---------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab(path, lab, browser):
    stored = nbformat.read(path, as_version=4)
    before = path.read_bytes()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        live, shown, screenshots = run_all(page, lab, path, stored)
    finally:
        page.close()
        with contextlib.suppress(OSError):
            lab.shut_down_kernels()

    assert path.read_bytes() == before, f"{path.name} was changed on disk"
    problems = "\n".join(problems_in(stored, live, shown))
    assert not problems, f"{path.name} in JupyterLab ({screenshots}):\n{problems}"
