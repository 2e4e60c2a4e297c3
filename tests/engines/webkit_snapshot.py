"""Render one page in WebKitGTK, measure it, and save a full-document PNG.

Run with Debian's Python (it has PyGObject and WebKit2 4.1; the project's venv has not) under
an X server:

    xvfb-run -a /usr/bin/python3 tests/engines/webkit_snapshot.py --url URL --width 375 \
        --scheme dark --out /abs/out.png --measure tests/engines/measure.js

Prints measure.js's result as one JSON object on stdout and nothing else; on any failure or
timeout prints one line on stderr and exits 1. Only file: and http://127.0.0.1 / localhost
pages are opened, and every request to another host goes to a dead proxy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
HEIGHT = 800  # the window's height; the snapshot covers the whole document anyway

# Waits for what the snapshot needs (every image complete and decoded, the fonts ready, two
# frames painted) and reports what the engine was asked for (width, colour scheme).
SETTLE_JS = """
await document.fonts.ready;
const images = [...document.images];
await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
  img.addEventListener("load", done, { once: true });
  img.addEventListener("error", done, { once: true });
})));
await Promise.all(images.map((img) => img.decode().catch(() => null)));
await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
return {
  innerWidth: window.innerWidth,
  clientWidth: document.documentElement.clientWidth,
  devicePixelRatio: window.devicePixelRatio,
  dark: matchMedia("(prefers-color-scheme: dark)").matches,
  light: matchMedia("(prefers-color-scheme: light)").matches,
  images: images.length,
  incomplete: images.filter((img) => !img.complete).length,
  fontsStatus: document.fonts.status,
};
"""


def fail(message: str) -> NoReturn:
    print(f"webkit_snapshot: {message}", file=sys.stderr)
    sys.exit(1)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--width", required=True, type=int)
    parser.add_argument("--scheme", required=True, choices=("light", "dark"))
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--measure", required=True, type=Path)
    parser.add_argument("--timeout", type=float, default=45.0, help="seconds (default 45)")
    args = parser.parse_args()
    parts = urlsplit(args.url)
    if not (parts.scheme == "file" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)):
        fail(f"refusing {args.url!r}: only file:// and http://127.0.0.1 pages are rendered")
    if not 1 <= args.width <= 4000:
        fail(f"--width {args.width} is out of range")
    return args


def main() -> None:
    args = arguments()
    # stdout carries the JSON only: whatever GTK, WebKit or a library prints goes to stderr.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    try:
        measure = args.measure.read_text(encoding="utf-8").strip().rstrip(";")
    except OSError as error:
        fail(f"cannot read {args.measure}: {error.strerror}")
    dark = args.scheme == "dark"

    # GTK reads these when it initialises (at `from gi.repository import Gtk`). WebKitGTK 2.50
    # derives prefers-color-scheme from GTK: either gtk-application-prefer-dark-theme (set
    # below) or GTK_THEME=Adwaita:dark alone is enough (measured). Both are set, and set to
    # light for light, so no GTK setting of the machine or the user leaks in.
    os.environ["GTK_THEME"] = "Adwaita:dark" if dark else "Adwaita"
    os.environ["GDK_SCALE"] = "1"
    os.environ["GDK_DPI_SCALE"] = "1"
    os.environ.setdefault("GDK_BACKEND", "x11")
    os.environ.setdefault("GTK_OVERLAY_SCROLLING", "1")
    if "DISPLAY" not in os.environ:
        fail("no X display: run under xvfb-run -a")

    import gi  # type: ignore[import-not-found]  # Debian's Python has it, the venv has not

    gi.require_version("Gtk", "3.0")
    gi.require_version("WebKit2", "4.1")
    from gi.repository import Gio, GLib, Gtk, WebKit2  # type: ignore[import-not-found]

    if not Gtk.init_check()[0]:
        fail(f"cannot open the X display {os.environ['DISPLAY']}")
    settings = Gtk.Settings.get_default()
    if settings is None:
        fail("GTK has no default settings (no display?)")
    settings.set_property("gtk-application-prefer-dark-theme", dark)
    settings.set_property("gtk-theme-name", "Adwaita")

    loop = GLib.MainLoop()
    state: dict[str, Any] = {"error": None, "measured": None, "stage": "loading the page"}

    def stop(error: str | None = None) -> bool:
        if error is not None and state["error"] is None:
            state["error"] = error
        loop.quit()
        return GLib.SOURCE_REMOVE  # type: ignore[no-any-return]

    # Ephemeral data (no cache, cookies or storage on disk) and a dead proxy for other hosts.
    data = WebKit2.WebsiteDataManager.new_ephemeral()
    data.set_network_proxy_settings(
        WebKit2.NetworkProxyMode.CUSTOM,
        WebKit2.NetworkProxySettings.new("http://127.0.0.1:9", list(LOCAL_HOSTS)),
    )
    context = WebKit2.WebContext.new_with_website_data_manager(data)
    context.set_cache_model(WebKit2.CacheModel.DOCUMENT_VIEWER)
    view = WebKit2.WebView.new_with_context(context)
    web = view.get_settings()
    web.set_enable_javascript(True)
    web.set_enable_page_cache(False)
    web.set_enable_developer_extras(False)
    web.set_enable_smooth_scrolling(False)
    web.set_media_playback_requires_user_gesture(True)
    web.set_allow_file_access_from_file_urls(True)
    web.set_hardware_acceleration_policy(WebKit2.HardwareAccelerationPolicy.NEVER)

    window = Gtk.Window(type=Gtk.WindowType.TOPLEVEL)
    window.set_decorated(False)
    window.set_resizable(False)
    window.set_default_size(args.width, HEIGHT)
    window.set_size_request(args.width, HEIGHT)
    window.add(view)
    window.connect("delete-event", lambda *_: stop("the window was closed"))

    def finish_js(source: Any, result: Gio.AsyncResult) -> Any:
        value = source.call_async_javascript_function_finish(result)
        return json.loads(value.to_json(0) or "null")

    def on_snapshot(source: Any, result: Gio.AsyncResult, _data: Any = None) -> None:
        try:
            surface = source.get_snapshot_finish(result)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            surface.write_to_png(str(args.out))
        except (GLib.Error, OSError) as error:
            stop(f"snapshot failed: {error}")
            return
        stop()

    def on_measured(source: Any, result: Gio.AsyncResult, _data: Any = None) -> None:
        try:
            measured = json.loads(finish_js(source, result) or "null")
        except GLib.Error as error:
            stop(f"measure.js failed: {error.message}")
            return
        except (TypeError, ValueError) as error:
            stop(f"measure.js returned no JSON: {error}")
            return
        if not isinstance(measured, dict):
            stop(f"measure.js returned {type(measured).__name__}, not an object")
            return
        state["measured"] = measured
        state["stage"] = "taking the snapshot"
        view.get_snapshot(
            WebKit2.SnapshotRegion.FULL_DOCUMENT,
            WebKit2.SnapshotOptions.NONE,
            None,
            on_snapshot,
            None,
        )

    def on_settled(source: Any, result: Gio.AsyncResult, _data: Any = None) -> None:
        try:
            page = finish_js(source, result)
        except GLib.Error as error:
            stop(f"waiting for images and fonts failed: {error.message}")
            return
        if page["innerWidth"] != args.width:
            stop(f"window.innerWidth is {page['innerWidth']}, not {args.width}")
            return
        if page["devicePixelRatio"] != 1:
            stop(f"devicePixelRatio is {page['devicePixelRatio']}, not 1")
            return
        if page["dark"] != dark or page["light"] == dark:
            stop(
                f"prefers-color-scheme is {'dark' if page['dark'] else 'light'}, not {args.scheme}"
            )
            return
        if page["incomplete"]:
            stop(f"{page['incomplete']} of {page['images']} images did not complete")
            return
        # JSON.stringify in the page keeps the object's key order (JSC's to_json does not).
        body = f"return JSON.stringify(({measure})());"
        state["stage"] = "running measure.js"
        view.call_async_javascript_function(
            body, -1, None, None, "measure.js", None, on_measured, None
        )

    def on_load_changed(_view: Any, event: Any) -> None:
        if event != WebKit2.LoadEvent.FINISHED or state["error"] is not None:
            return
        resource = view.get_main_resource()
        response = resource.get_response() if resource is not None else None
        status = response.get_status_code() if response is not None else 0
        if urlsplit(args.url).scheme == "http" and status != 200:
            stop(f"{args.url} answered HTTP {status}")
            return
        state["stage"] = "waiting for images and fonts"
        view.call_async_javascript_function(
            SETTLE_JS, -1, None, None, "settle.js", None, on_settled, None
        )

    def on_load_failed(_view: Any, _event: Any, uri: str, error: GLib.Error) -> bool:
        stop(f"loading {uri} failed: {error.message}")
        return True

    def on_crashed(_view: Any, *_: Any) -> bool:
        stop("the web process crashed")
        return True

    view.connect("load-changed", on_load_changed)
    view.connect("load-failed", on_load_failed)
    view.connect("web-process-terminated", on_crashed)
    GLib.timeout_add(
        int(args.timeout * 1000),
        lambda: stop(f"timed out after {args.timeout:g} s {state['stage']} ({args.url})"),
    )

    window.show_all()
    view.load_uri(args.url)
    loop.run()

    if state["error"] is not None:
        fail(state["error"])
    sys.stdout.flush()
    os.write(result_fd, (json.dumps(state["measured"], separators=(",", ":")) + "\n").encode())
    # Leave without tearing GTK and WebKit down (their child processes follow the UI process).
    os._exit(0)


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as error:  # one line, whatever went wrong
        fail(f"{type(error).__name__}: {error}")
