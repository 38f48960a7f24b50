// Browser entry point: mounts the React app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { frameTimes } from './store/sim';
import { App } from './ui/App';
import { initTheme } from './ui/theme';
import './ui/app.css';

// A read-only hook for speed checks in the browser (bench and e2e read per-frame work from it).
(window as unknown as { wiber: unknown }).wiber = { frameTimes };

initTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
