// Upload page: drag and drop or pick many files, preview them, and stream each one to /api/uploads with
// its own progress bar (XMLHttpRequest reports upload progress; fetch does not).
window.portalUpload = (() => {
  function init(zone, input, dotnet, token) {
    if (!zone || zone.dataset.ready) return;
    zone.dataset.ready = 'true';
    const start = files => { for (const file of files) send(file, dotnet, token); input.value = ''; };
    zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('dragging'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', e => { e.preventDefault(); zone.classList.remove('dragging'); start(e.dataTransfer.files); });
    zone.addEventListener('click', e => { if (e.target !== input) input.click(); });
    zone.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
    input.addEventListener('change', () => start(input.files));
  }

  function send(file, dotnet, token) {
    const id = crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random());
    const preview = URL.createObjectURL(file);
    dotnet.invokeMethodAsync('FileAdded', id, file.name, file.size, preview);
    const body = new FormData();
    body.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', 'api/uploads');
    xhr.setRequestHeader('RequestVerificationToken', token);
    let last = 0;
    xhr.upload.onprogress = e => {
      if (!e.lengthComputable) return;
      const percent = Math.floor((e.loaded / e.total) * 100);
      if (percent - last >= 2 || percent === 100) { last = percent; dotnet.invokeMethodAsync('FileProgress', id, percent); }
    };
    xhr.onload = () => {
      let detail = null;
      try { detail = JSON.parse(xhr.responseText); } catch { }
      if (xhr.status >= 200 && xhr.status < 300) dotnet.invokeMethodAsync('FileUploaded', id, detail);
      else dotnet.invokeMethodAsync('FileRejected', id, (detail && (detail.detail || detail.title)) || `The upload failed (${xhr.status}).`);
    };
    xhr.onerror = () => dotnet.invokeMethodAsync('FileRejected', id, 'The connection was lost during the upload.');
    xhr.send(body);
  }

  return { init };
})();
