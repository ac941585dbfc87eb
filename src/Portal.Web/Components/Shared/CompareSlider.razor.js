// Before/after comparison: a slider (mouse, touch, keyboard) over two images that share one transform,
// so zoom and pan stay synchronized; side-by-side mode shows the two panes with the same transform.
// The component imports this module, attaches one comparison to its root and disposes it when it closes.
export function attach(root) {
  // Every listener goes through one signal, so dispose removes them all at once.
  const lifetime = new AbortController();
  const on = (target, type, handler, options) => target.addEventListener(type, handler, { ...options, signal: lifetime.signal });
  const viewport = root.querySelector('[data-compare-viewport]');
  const layers = () => root.querySelectorAll('[data-compare-layer]');
  const handle = root.querySelector('[data-compare-handle]');
  const before = root.querySelector('[data-compare-before]');
  const after = root.querySelector('[data-compare-after]');
  const state = { position: 50, scale: 1, x: 0, y: 0, dragging: null };

  const apply = () => {
    root.style.setProperty('--compare-position', state.position + '%');
    handle.setAttribute('aria-valuenow', Math.round(state.position));
    const transform = `translate(${state.x}px, ${state.y}px) scale(${state.scale})`;
    layers().forEach(l => { l.style.transform = transform; });
    root.dataset.zoom = state.scale.toFixed(3);
    const label = root.querySelector('[data-compare-zoom]');
    if (label) label.textContent = Math.round(state.scale * 100) + '%';
  };

  const setPosition = (clientX) => {
    const rect = viewport.getBoundingClientRect();
    state.position = Math.min(100, Math.max(0, ((clientX - rect.left) / rect.width) * 100));
    apply();
  };

  const zoomAt = (factor, clientX, clientY) => {
    const rect = viewport.getBoundingClientRect();
    const px = clientX - rect.left, py = clientY - rect.top;
    const next = Math.min(32, Math.max(1, state.scale * factor));
    // Keep the point under the cursor where it is.
    state.x = px - (px - state.x) * (next / state.scale);
    state.y = py - (py - state.y) * (next / state.scale);
    state.scale = next;
    clamp();
    apply();
  };

  const clamp = () => {
    const rect = viewport.getBoundingClientRect();
    state.x = Math.min(0, Math.max(rect.width * (1 - state.scale), state.x));
    state.y = Math.min(0, Math.max(rect.height * (1 - state.scale), state.y));
  };

  on(handle, 'pointerdown', e => {
    state.dragging = 'handle';
    handle.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  on(viewport, 'pointerdown', e => {
    if (e.target === handle || handle.contains(e.target)) return;
    if (state.scale > 1) {
      state.dragging = { x: e.clientX - state.x, y: e.clientY - state.y };
      viewport.setPointerCapture(e.pointerId);
    } else if (!root.classList.contains('side-by-side')) {
      state.dragging = 'handle';
      viewport.setPointerCapture(e.pointerId);
      setPosition(e.clientX);
    }
  });
  const move = e => {
    if (state.dragging === 'handle') setPosition(e.clientX);
    else if (state.dragging) { state.x = e.clientX - state.dragging.x; state.y = e.clientY - state.dragging.y; clamp(); apply(); }
  };
  on(handle, 'pointermove', move);
  on(viewport, 'pointermove', move);
  const stop = () => { state.dragging = null; };
  ['pointerup', 'pointercancel'].forEach(t => { on(handle, t, stop); on(viewport, t, stop); });

  on(viewport, 'wheel', e => {
    e.preventDefault();
    zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX, e.clientY);
  }, { passive: false });

  on(handle, 'keydown', e => {
    const step = e.shiftKey ? 10 : 2;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') state.position = Math.max(0, state.position - step);
    else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') state.position = Math.min(100, state.position + step);
    else if (e.key === 'Home') state.position = 0;
    else if (e.key === 'End') state.position = 100;
    else return;
    e.preventDefault();
    apply();
  });

  apply();
  return {
    zoomIn: () => { const r = viewport.getBoundingClientRect(); zoomAt(1.5, r.left + r.width / 2, r.top + r.height / 2); },
    zoomOut: () => { const r = viewport.getBoundingClientRect(); zoomAt(1 / 1.5, r.left + r.width / 2, r.top + r.height / 2); },
    reset: () => { state.scale = 1; state.x = 0; state.y = 0; apply(); },
    // One pixel of the result on one pixel of the screen, centred.
    actualPixels: () => {
      const r = viewport.getBoundingClientRect();
      const shown = after.getBoundingClientRect().width / state.scale;
      const factor = Math.max(1, (after.naturalWidth || shown) / shown);
      state.scale = factor;
      state.x = r.width * (1 - factor) / 2;
      state.y = r.height * (1 - factor) / 2;
      clamp();
      apply();
    },
    setPosition: (p) => { state.position = p; apply(); },
    state: () => ({ position: state.position, scale: state.scale, x: state.x, y: state.y }),
    dispose: () => lifetime.abort(),
  };
}

