// fixture: examples/public.js
