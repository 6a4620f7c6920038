// 99_seal.js: removes the prelude's shared internals from the global object, so worker code
// cannot reach the natives or the classes' private helpers.
(() => {
  'use strict';
  delete globalThis.__wws_prelude;
})();
