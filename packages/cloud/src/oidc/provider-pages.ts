/**
 * The few pages the provider itself renders (sign-out confirmation, signed out, protocol
 * errors), in English and French like the web app, with its colours. They hold no script:
 * the provider's routes answer under a CSP with `script-src 'none'`.
 */
type Language = 'en' | 'fr';

const text = {
  en: {
    signOutTitle: 'Sign out',
    signOutQuestion: 'Do you want to sign out of your organisation account?',
    signOutApp: (app: string) => `${app} asked to sign you out.`,
    yes: 'Yes, sign me out',
    no: 'No, stay signed in',
    signedOutTitle: 'You are signed out',
    signedOut: 'You have signed out. You can close this window.',
    errorTitle: 'Sign-in problem',
    error: 'The application sent a sign-in request that cannot be completed.',
    errorHint:
      'Go back to the application and try again. If it keeps happening, tell its administrator this code:',
  },
  fr: {
    signOutTitle: 'Déconnexion',
    signOutQuestion: 'Voulez-vous vous déconnecter de votre compte professionnel ?',
    signOutApp: (app: string) => `${app} demande à vous déconnecter.`,
    yes: 'Oui, me déconnecter',
    no: 'Non, rester connecté',
    signedOutTitle: 'Vous êtes déconnecté',
    signedOut: 'Vous vous êtes déconnecté. Vous pouvez fermer cette fenêtre.',
    errorTitle: 'Problème de connexion',
    error: "L'application a envoyé une demande de connexion qui ne peut pas aboutir.",
    errorHint:
      "Revenez à l'application et réessayez. Si le problème persiste, donnez ce code à son administrateur :",
  },
} as const;

export function languageOf(acceptLanguage: string | undefined): Language {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const base = part.trim().slice(0, 2).toLowerCase();
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(language: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Ferry</title>
<style>
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#1b2430}
header{background:#12344d;color:#fff;padding:.75rem 1.5rem;font-weight:600}
main{max-width:28rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.5rem;margin-top:0}
button{font:inherit;padding:.6rem 1rem;border-radius:6px;border:1px solid #12344d;margin:.25rem .5rem .25rem 0;cursor:pointer}
.primary{background:#12344d;color:#fff}.secondary{background:#fff;color:#12344d}
code{background:#eef1f4;padding:.1rem .3rem;border-radius:4px}
</style></head>
<body><header>Ferry</header><main>${body}</main></body></html>`;
}

export function signOutPage(
  language: Language,
  form: string,
  application: string | undefined,
): string {
  const t = text[language];
  return page(
    language,
    t.signOutTitle,
    `<h1>${t.signOutTitle}</h1>
${application ? `<p>${escapeHtml(t.signOutApp(application))}</p>` : ''}
<p>${t.signOutQuestion}</p>
${form}
<button class="primary" type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>${t.yes}</button>
<button class="secondary" type="submit" form="op.logoutForm">${t.no}</button>`,
  );
}

export function signedOutPage(language: Language): string {
  const t = text[language];
  return page(language, t.signedOutTitle, `<h1>${t.signedOutTitle}</h1><p>${t.signedOut}</p>`);
}

/** The protocol error and the provider's description of it (fixed texts, escaped anyway). */
export function errorPage(
  language: Language,
  code: string,
  description: string | undefined,
): string {
  const t = text[language];
  return page(
    language,
    t.errorTitle,
    `<h1>${t.errorTitle}</h1><p>${t.error}</p><p>${t.errorHint} <code data-error="${escapeHtml(code)}">${escapeHtml(code)}</code></p>` +
      (description ? `<p><small>${escapeHtml(description)}</small></p>` : ''),
  );
}
