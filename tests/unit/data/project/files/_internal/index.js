// fixture: _internal/index.js
