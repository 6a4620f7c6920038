// fixture: examples/index/public/index.js
