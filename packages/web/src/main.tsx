import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminApp } from './admin/admin-app';
import { Home } from './home';
import { I18nProvider } from './i18n/i18n';
import { MyAccountApp } from './myaccount/myaccount-app';
import { SignInApp } from './signin/signin-app';
import { SsprApp } from './sspr/sspr-app';
import './styles.css';

/** One SPA, four areas (and the sign-in pages) picked by the first path segment (the cloud serves index.html for each). */
function App() {
  const area = window.location.pathname.split('/')[1];
  if (area === 'sspr') return <SsprApp />;
  if (area === 'myaccount') return <MyAccountApp />;
  if (area === 'admin') return <AdminApp />;
  if (area === 'signin') return <SignInApp />;
  return <Home />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
