// fixture: public.js
