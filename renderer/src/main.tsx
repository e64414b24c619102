import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/app.tsx';
import { bindTransport } from './state/actions.ts';
import { chooseTransport } from './transport/choose.ts';
import './styles.css';

// The transport is chosen once, before the first render (DESIGN 'Conventions' 6).
bindTransport(chooseTransport());

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
