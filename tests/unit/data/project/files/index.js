// fixture: index.js
