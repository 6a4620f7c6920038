// fixture: _index.js
