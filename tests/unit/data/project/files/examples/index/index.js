// fixture: examples/index/index.js
