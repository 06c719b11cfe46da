import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { StudioQueryProvider } from './app/StudioQueryProvider';
import './app/theme.css';
import './features/pipeline/pipeline.css';
import './features/scripts/scripts.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
createRoot(container).render(
  <StrictMode>
    <StudioQueryProvider>
      <App />
    </StudioQueryProvider>
  </StrictMode>,
);
