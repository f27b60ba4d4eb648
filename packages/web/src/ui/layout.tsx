import type { ReactNode } from 'react';
import { languages, useI18n, type Language } from '../i18n/i18n';

const languageNames: { readonly [L in Language]: string } = { en: 'English', fr: 'Français' };

/** The frame of every page: skip link, header with the product and language switch, main. */
export function Layout(props: {
  readonly section: string;
  readonly actions?: ReactNode;
  readonly wide?: boolean;
  readonly children: ReactNode;
}) {
  const { t, language, setLanguage } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="top-bar">
        <a className="brand" href="/">
          <svg className="brand-mark" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path d="M4 14h16l-2.5 5h-11z" fill="currentColor" />
            <path d="M8 14V9h6l2 5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path
              d="M2 21c2 0 2-1 4-1s2 1 4 1 2-1 4-1 2 1 4 1 2-1 4-1"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
            />
          </svg>{' '}
          {t('app.name')}
        </a>
        <span className="section-name">{props.section}</span>
        <div className="top-actions">
          {props.actions}
          <label className="language">
            <span className="visually-hidden">{t('app.language')}</span>
            <select
              value={language}
              onChange={(event) => setLanguage(event.target.value as Language)}
            >
              {languages.map((code) => (
                <option key={code} value={code} lang={code}>
                  {languageNames[code]}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <main id="main" className={props.wide ? 'page page-wide' : 'page'} tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}

/** A heading that takes focus when `focusKey` changes (each step of a flow). */
export function StepHeading({
  focusRef,
  children,
}: {
  readonly focusRef: React.RefObject<HTMLHeadingElement | null>;
  readonly children: ReactNode;
}) {
  return (
    <h1 ref={focusRef} tabIndex={-1} className="step-heading">
      {children}
    </h1>
  );
}
