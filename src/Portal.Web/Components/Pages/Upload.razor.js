// Upload page: drag and drop or pick many files, preview them, and stream each one to /api/uploads with
// its own progress bar (XMLHttpRequest reports upload progress; fetch does not). The page calls dispose when
// it closes: uploads still running are aborted, previews are released and the listeners are removed.
export function start(zone, input, dotnet, token) {
  const uploads = new Set();
  const previews = [];
  const listeners = [];
  let closed = false;
  const listen = (target, type, handler) => { target.addEventListener(type, handler); listeners.push(() => target.removeEventListener(type, handler)); };
  // The circuit may already be gone when a late event arrives: nothing is left to tell.
  const tell = (method, ...args) => { if (!closed) dotnet.invokeMethodAsync(method, ...args).catch(() => { }); };

  function send(file) {
    const id = crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random());
    const preview = URL.createObjectURL(file);
    previews.push(preview);
    tell('FileAdded', id, file.name, file.size, preview);
    const body = new FormData();
    body.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    uploads.add(xhr);
    xhr.open('POST', 'api/uploads');
    xhr.setRequestHeader('RequestVerificationToken', token);
    let last = 0;
    xhr.upload.onprogress = e => {
      if (!e.lengthComputable) return;
      const percent = Math.floor((e.loaded / e.total) * 100);
      if (percent - last >= 2 || percent === 100) { last = percent; tell('FileProgress', id, percent); }
    };
    xhr.onload = () => {
      uploads.delete(xhr);
      let detail = null;
      try { detail = JSON.parse(xhr.responseText); } catch { }
      if (xhr.status >= 200 && xhr.status < 300) tell('FileUploaded', id, detail);
      else tell('FileRejected', id, (detail && (detail.detail || detail.title)) || `The upload failed (${xhr.status}).`);
    };
    xhr.onerror = () => { uploads.delete(xhr); tell('FileRejected', id, 'The connection was lost during the upload.'); };
    xhr.send(body);
  }

  const startAll = files => { for (const file of files) send(file); input.value = ''; };
  listen(zone, 'dragover', e => { e.preventDefault(); zone.classList.add('dragging'); });
  listen(zone, 'dragleave', () => zone.classList.remove('dragging'));
  listen(zone, 'drop', e => { e.preventDefault(); zone.classList.remove('dragging'); startAll(e.dataTransfer.files); });
  listen(zone, 'click', e => { if (e.target !== input) input.click(); });
  listen(zone, 'keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  listen(input, 'change', () => startAll(input.files));
  zone.dataset.ready = 'true';

  return {
    dispose: () => {
      closed = true;
      for (const xhr of uploads) xhr.abort();
      uploads.clear();
      for (const preview of previews) URL.revokeObjectURL(preview);
      previews.length = 0;
      for (const remove of listeners) remove();
      listeners.length = 0;
      delete zone.dataset.ready;
    },
  };
}
