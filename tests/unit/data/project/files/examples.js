// fixture: examples.js
