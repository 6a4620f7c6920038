// fixture: public/index.js
