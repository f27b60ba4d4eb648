import type { ReactNode } from 'react';

/**
 * An outcome shown to the user. Live regions exist before their text changes so screen
 * readers announce it: errors assertively (role=alert), the rest politely (role=status).
 */
export function Notice(props: {
  readonly tone: 'success' | 'error' | 'info' | 'warning';
  readonly children?: ReactNode;
  readonly testId?: string;
}) {
  const live = props.tone === 'error' ? 'alert' : 'status';
  return (
    <div
      role={live}
      className={props.children ? `notice notice-${props.tone}` : 'notice-empty'}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  );
}
