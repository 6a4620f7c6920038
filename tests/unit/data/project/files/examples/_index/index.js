// fixture: examples/_index/index.js
