import type { ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button } from './fields';
import { Layout } from './layout';

export interface SideNavLayoutProps {
  readonly section: string;
  readonly navLabel: string;
  /** Who is signed in, shown next to the sign-out button. */
  readonly signedInAs: string;
  readonly onSignOut: () => void;
  /** Pages as [path under `base`, label]; `current` is the one shown. */
  readonly base: string;
  readonly pages: readonly (readonly [string, MessageKey])[];
  readonly current: string;
  readonly navigate: (path: string) => void;
  readonly children: ReactNode;
}

/** A signed-in app's frame (Admin center, My Account): who is signed in, a side navigation, the page. */
export function SideNavLayout(props: SideNavLayoutProps) {
  const { t } = useI18n();
  return (
    <Layout
      section={props.section}
      wide
      actions={
        <>
          <span className="muted">{props.signedInAs}</span>
          <Button variant="secondary" onClick={props.onSignOut}>
            {t('common.signOut')}
          </Button>
        </>
      }
    >
      <div className="admin-grid">
        <nav aria-label={props.navLabel} className="side-nav">
          <ul>
            {props.pages.map(([id, label]) => (
              <li key={id}>
                <a
                  href={`${props.base}/${id}`}
                  aria-current={props.current === id ? 'page' : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    props.navigate(`${props.base}/${id}`);
                  }}
                >
                  {t(label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="blade">{props.children}</div>
      </div>
    </Layout>
  );
}
