// Small helpers the Blazor components call through JS interop.
window.portal = {
  setCookie: (cookie) => { document.cookie = cookie; },
};
