"""bench_browser.py in the page: the JavaScript that times a change (key event -> changed canvas
pixels, see :data:`BENCH_JS`) and the Playwright steps that drive one control."""

from __future__ import annotations

import contextlib

# Installed once per page. arm() hashes the canvas and starts a requestAnimationFrame loop that
# waits for the key event (t0), for the first frame with different pixels (first) and for the
# pixels to stay the same for settleMs (last: the final change).
BENCH_JS = r"""
() => {
  if (window.__initlabBench) return true;
  const B = {armed: false, done: true};
  window.__initlabBench = B;
  const stamp = (ev) => {
    if (B.armed && B.t0 === null && ev.type === B.eventType) B.t0 = performance.now();
  };
  window.addEventListener('keydown', stamp, true);
  window.addEventListener('input', stamp, true);
  // Where the time goes (browser_report.STAGES): the first message the page sends after the
  // key event (the control's new value, over the kernel's WebSocket) and the first PNG
  // picture it receives (ipympl makes a Blob URL of each one), noted by wrapping the two
  // calls; the first paint is noted by B.hook. Other pages' sockets and pictures are not here.
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function () {
    if (B.armed && B.t0 !== null && B.sent === null) B.sent = performance.now();
    return send.apply(this, arguments);
  };
  const objectURL = URL.createObjectURL;
  URL.createObjectURL = function (obj) {
    if (B.armed && B.t0 !== null && B.received === null && obj && obj.type === 'image/png')
      B.received = performance.now();
    return objectURL.apply(this, arguments);
  };
  B.hash = (canvas) => {
    if (!canvas.width || !canvas.height) return 'empty:' + canvas.width + 'x' + canvas.height;
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const u = new Uint32Array(d.buffer, d.byteOffset, d.byteLength >> 2);
    let h = 0x811c9dc5;
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193);
    return (h >>> 0).toString(16) + ':' + canvas.width + 'x' + canvas.height;
  };
  // ms from the key event to time t (null when either was not seen)
  const since = (t) => (t !== null && B.t0 !== null) ? t - B.t0 : null;
  B.finish = (status) => {
    B.armed = false;
    B.result = {
      status: status, latency: since(B.first), final: since(B.last), drawn: since(B.firstDraw),
      sent: since(B.sent), received: since(B.received),
      frames: B.frames, changes: B.changes, early_changes: B.early,
    };
    if (B.t0 !== null) {  // times relative to the key event (only filled in with track)
      B.result.statuses = B.statuses.map(([t, s]) => [t - B.t0, s]);
      B.result.progress = B.progress.map(([t, w]) => [t - B.t0, w]);
    }
    B.done = true;
  };
  // Count the canvas's drawImage calls (how ipympl paints each picture it receives), to tell
  // "redrawn with the same pixels" from "not redrawn"; and note any paint (drawImage, clearRect,
  // putImageData) so that the pixels are hashed only in frames after one (see B.changed).
  B.hook = (canvas) => {
    if (canvas.__initlabHooked) return;
    const ctx = canvas.getContext('2d');
    for (const name of ['drawImage', 'clearRect', 'putImageData']) {
      const orig = ctx[name];
      ctx[name] = function () {
        canvas.__initlabPainted = true;
        if (name === 'drawImage' && B.armed && B.t0 !== null) {
          B.lastDraw = performance.now();
          if (B.firstDraw === null) B.firstDraw = B.lastDraw;
        }
        return orig.apply(this, arguments);
      };
    }
    canvas.__initlabHooked = true;
  };
  // The canvas's hash if it may have changed since the last call, else `prev`. Reading back and
  // hashing an 840x600 canvas takes ~2 ms of the page's main thread, every frame; a student's
  // page does not, and on 2 cores that time is taken from the kernel and the browser. So the
  // pixels are read only in the frame after a paint, after a change of the canvas size (which
  // clears it), and every 30th frame in any case.
  B.changed = (canvas, prev, frame) => {
    const size = canvas.width + 'x' + canvas.height;
    if (canvas.__initlabPainted || !prev.endsWith(':' + size) || frame % 30 === 0) {
      canvas.__initlabPainted = false;
      return B.hash(canvas);
    }
    return prev;
  };
  B.idle = (sel) => {
    const ind = document.querySelector(sel);
    return !ind || ind.getAttribute('data-status') === 'idle';
  };
  // With track (the --worst-case mode): every frame, note the kernel status the execution
  // indicator shows and the width of the explorer's progress bar, and count the change as
  // done only once the kernel is idle too.
  B.track = (canvas, indicatorSel, now) => {
    const status = B.idle(indicatorSel) ? 'idle' : 'busy';
    const st = B.statuses;
    if (!st.length || st[st.length - 1][1] !== status) {
      st.push([now, status]);
      if (status === 'idle') B.idleSince = now;
    }
    const box = canvas.closest('.initlab-explorer');
    const bar = box && box.querySelector(
        '.widget-hprogress .progress-bar, .widget-vprogress .progress-bar');
    const width = bar ? (bar.closest('.widget-vprogress') ? bar.style.height : bar.style.width)
                      : null;
    const pr = B.progress;
    if (width !== null && (!pr.length || pr[pr.length - 1][1] !== width)) pr.push([now, width]);
  };
  B.arm = (canvas, eventType, timeoutMs, settleMs, indicatorSel, track) => {
    B.hook(canvas);
    Object.assign(B, {armed: true, done: false, result: null, eventType: eventType, t0: null,
                      first: null, last: null, frames: 0, changes: 0, early: 0, cancel: null,
                      firstDraw: null, lastDraw: null, sent: null, received: null,
                      statuses: [], progress: [],
                      idleSince: -Infinity});
    const tArm = performance.now();
    let prev = B.hash(canvas);
    const tick = () => {
      const now = performance.now();
      if (B.cancel) return B.finish(B.cancel);
      const h = B.changed(canvas, prev, B.frames);
      B.frames++;
      if (track) B.track(canvas, indicatorSel, now);
      if (h !== prev) {
        prev = h;
        if (B.t0 === null) B.early++;  // a late redraw from before: new baseline
        else { B.changes++; if (B.first === null) B.first = now; B.last = now; }
      }
      if (B.first !== null && now - B.last >= settleMs && (!track || B.idle(indicatorSel)))
        return B.finish('ok');
      // A canvas that was never sized (0x0) shows nothing: with track, the change is over when
      // the kernel has been idle for settleMs.
      if (track && h.startsWith('empty:') && B.t0 !== null && B.idle(indicatorSel)
          && now - Math.max(B.t0, B.idleSince) >= settleMs) return B.finish('no figure');
      if (B.first === null && B.lastDraw !== null && now - B.lastDraw >= settleMs
          && B.idle(indicatorSel)) return B.finish('same pixels');
      if (B.t0 === null && now - tArm > timeoutMs) return B.finish('no key event');
      if (B.t0 !== null && B.first === null && now - B.t0 > timeoutMs) return B.finish('timeout');
      if (B.t0 !== null && now - B.t0 > 4 * timeoutMs) return B.finish('never settled');
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return true;
  };
  B.waitStable = (canvas, settleMs, timeoutMs) => new Promise((resolve) => {
    B.hook(canvas);
    const t0 = performance.now();
    let prev = B.hash(canvas), since = t0, frame = 0;
    const tick = () => {
      const now = performance.now(), h = B.changed(canvas, prev, ++frame);
      if (h !== prev) { prev = h; since = now; }
      if (now - since >= settleMs) return resolve(true);
      if (now - t0 > timeoutMs) return resolve(false);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return true;
}
"""


# The explorer's title and its controls as the page shows them.
CONTROLS_JS = r"""
(el) => {
  const text = (e) => e ? e.textContent.replace(/\s+/g, ' ').trim() : '';
  const title = text(el.querySelector('.widget-html-content'));
  const sliders = Array.from(el.querySelectorAll('.widget-slider')).map((s, i) => {
    const h = s.querySelector('.noUi-handle');
    return {kind: 'slider', nth: i, description: text(s.querySelector('.widget-label')),
            value: h && (h.getAttribute('aria-valuetext') || h.getAttribute('aria-valuenow')),
            min: h && h.getAttribute('aria-valuemin'), max: h && h.getAttribute('aria-valuemax'),
            ok: !!h};
  });
  const dropdowns = Array.from(el.querySelectorAll('.widget-dropdown')).map((d, i) => {
    const s = d.querySelector('select');
    return {kind: 'dropdown', nth: i, description: text(d.querySelector('.widget-label')),
            index: s ? s.selectedIndex : -1, n_options: s ? s.options.length : 0,
            value: s ? s.value : null, ok: !!s};
  });
  const canvas = el.querySelector('.jupyter-matplotlib-figure canvas');
  return {title: title, controls: sliders.concat(dropdowns).filter(c => c.ok),
          has_canvas: !!canvas, canvas_size: canvas ? [canvas.width, canvas.height] : null};
}
"""


ARM_JS = """(el, a) => window.__initlabBench.arm(
    el.querySelector('.jupyter-matplotlib-figure canvas'), a.event, a.timeout, a.settle,
    a.indicator, !!a.track)"""


STABLE_JS = """(el, a) => window.__initlabBench.waitStable(
    el.querySelector('.jupyter-matplotlib-figure canvas'), a.settle, a.timeout)"""


SLIDER_VALUE_JS = (
    "h => (h.getAttribute('aria-valuetext') || '') + '|' + (h.getAttribute('aria-valuenow') || '')"
)


# --burst: installed on the explorer for one burst. Notes every keydown, every move of the
# slider's handle (its aria-valuetext), every change of the canvas pixels and of the kernel
# status the execution indicator shows; once the script says the burst is over (R.ended), waits
# until the canvas has not changed for settleMs after the last key and the kernel is idle.
BURST_JS = r"""
(el, a) => {
  const B = window.__initlabBench;
  const canvas = el.querySelector('.jupyter-matplotlib-figure canvas');
  const handle = el.querySelectorAll('.widget-slider')[a.nth].querySelector('.noUi-handle');
  B.hook(canvas);
  const R = {keys: [], moves: 0, changes: [], statuses: [], ended: false, done: false,
             result: null};
  B.burst = R;
  const onKey = (ev) => { if (!R.done) R.keys.push(performance.now()); };
  window.addEventListener('keydown', onKey, true);
  const obs = new MutationObserver((records) => {
    for (const r of records)
      if (!R.done && r.oldValue !== handle.getAttribute('aria-valuetext')) R.moves++;
  });
  obs.observe(handle, {attributes: true, attributeFilter: ['aria-valuetext'],
                       attributeOldValue: true});
  let prev = B.hash(canvas);
  const tStart = performance.now();
  const finish = (status) => {
    obs.disconnect();
    window.removeEventListener('keydown', onKey, true);
    R.done = true;
    const k = R.keys, t0 = k.length ? k[k.length - 1] : null;  // the last key event
    const rel = (t) => t0 === null ? null : t - t0;
    R.result = {status: status, keys: k.length, moves: R.moves,
                burst_ms: k.length ? k[k.length - 1] - k[0] : null,
                changes: R.changes.map(rel), statuses: R.statuses.map(([t, s]) => [rel(t), s])};
  };
  let frame = 0;
  const tick = () => {
    const now = performance.now(), h = B.changed(canvas, prev, ++frame);
    if (h !== prev) { prev = h; R.changes.push(now); }
    const status = B.idle(a.indicator) ? 'idle' : 'busy', st = R.statuses;
    if (!st.length || st[st.length - 1][1] !== status) st.push([now, status]);
    if (R.ended && R.keys.length) {
      const lastKey = R.keys[R.keys.length - 1];
      const quiet = Math.max(lastKey, R.changes.length ? R.changes[R.changes.length - 1] : 0);
      if (now - quiet >= a.settle && status === 'idle') return finish('ok');
      if (now - lastKey > a.timeout) return finish('never settled');
    } else if (R.ended || now - tStart > a.timeout + a.burstMs) return finish('no key event');
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return true;
}
"""


# as displayed (the slider's own .widget-readout, else the label beside it: a log slider's
# formatted value), the explorer's read-out (its last .widget-html outside the controls' grid)
# and the hash of the canvas pixels.
SNAPSHOT_JS = r"""
(el, a) => {
  const text = (e) => e ? e.textContent.replace(/\s+/g, ' ').trim() : '';
  const s = el.querySelectorAll('.widget-slider')[a.nth];
  const h = s.querySelector('.noUi-handle');
  const own = s.querySelector('.widget-readout');
  let label = own && own.offsetParent !== null ? text(own) : '', beside = false;
  if (!label && s.parentElement) {
    label = text(Array.from(s.parentElement.children).find(
        (c) => c !== s && c.classList.contains('widget-label')));
    beside = true;
  }
  const htmls = Array.from(el.querySelectorAll('.widget-html'))
                     .filter((e) => !e.closest('.widget-gridbox'));
  return {value: h.getAttribute('aria-valuetext') || h.getAttribute('aria-valuenow'),
          label: label, beside: beside,
          readout: htmls.length > 1 ? text(htmls[htmls.length - 1]) : '',
          hash: window.__initlabBench.hash(el.querySelector('.jupyter-matplotlib-figure canvas'))};
}
"""


# JupyterLab's log console counter (status bar): output of widget callbacks lands there.
LOG_COUNT_JS = r"""
() => {
  const e = document.querySelector('.jp-LogConsoleStatusItem');
  const m = e && e.textContent.match(/\d+/);
  return m ? parseInt(m[0], 10) : 0;
}
"""


def wait_idle(page, lab, timeout_s: float) -> None:
    with contextlib.suppress(Exception):
        page.wait_for_selector(
            f"{lab.EXEC_INDICATOR}[data-status='idle']", state="attached", timeout=timeout_s * 1000
        )


def time_changes(page, lab, explorer, control: dict, args) -> list[dict]:
    """Change one control ``args.repeats`` times; one result dict per change."""
    timeout_ms, settle_ms = args.timeout * 1000, args.settle * 1000
    if control["kind"] == "slider":
        target = explorer.locator(lab.SLIDER).nth(control["nth"]).locator(lab.SLIDER_HANDLE).first
        at_top = float(control["value"]) >= float(control["max"])
        keys = ["ArrowLeft", "ArrowRight"] if at_top else ["ArrowRight", "ArrowLeft"]
        event = "keydown"
    else:
        target = explorer.locator(".widget-dropdown select").nth(control["nth"])
        start = control["index"]
        other = start + 1 if start + 1 < control["n_options"] else start - 1
        keys = [other, start]  # option indices
        event = "input"
    results = []
    lab.move_mouse_away(page)
    target.scroll_into_view_if_needed()
    explorer.evaluate(STABLE_JS, {"settle": settle_ms, "timeout": timeout_ms})
    # An odd count ends with one more, untimed, change back: the next control starts from
    # the values the page showed.
    for k in range(args.repeats + args.repeats % 2):
        key = keys[k % 2]
        wait_idle(page, lab, args.timeout)
        page.wait_for_timeout(args.pause * 1000)
        if control["kind"] == "slider":
            target.focus()
            before = target.evaluate(SLIDER_VALUE_JS)
        explorer.evaluate(
            ARM_JS,
            {
                "event": event,
                "timeout": timeout_ms,
                "settle": settle_ms,
                "indicator": lab.EXEC_INDICATOR,
            },
        )
        if control["kind"] == "slider":
            page.keyboard.press(key)
            if target.evaluate(SLIDER_VALUE_JS) == before:
                page.evaluate("() => { window.__initlabBench.cancel = 'control did not move'; }")
        else:
            target.select_option(index=key)
        page.wait_for_function(
            "() => window.__initlabBench.done",
            polling=50,
            timeout=(4 * args.timeout + args.settle + 10) * 1000,
        )
        result = page.evaluate("() => window.__initlabBench.result")
        result["action"] = key if control["kind"] == "slider" else f"option {key}"
        if k < args.repeats:
            results.append(result)
    wait_idle(page, lab, args.timeout)
    return results


def wait_quiet(page, lab, explorer, args, timeout_s=None) -> None:
    """Until the kernel is idle and the canvas pixels have not changed for ``--settle`` s."""
    timeout_s = timeout_s or args.timeout
    stable = {"settle": args.settle * 1000, "timeout": timeout_s * 1000}
    wait_idle(page, lab, timeout_s)
    explorer.evaluate(STABLE_JS, stable)
    wait_idle(page, lab, timeout_s)


def new_errors(page, lab, before: int) -> list[dict]:
    errors = lab.error_outputs(page)
    return errors[before:] if len(errors) >= before else errors


def slider_handle(lab, explorer, control: dict):
    return explorer.locator(lab.SLIDER).nth(control["nth"]).locator(lab.SLIDER_HANDLE).first
