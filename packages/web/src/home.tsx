import { useI18n } from './i18n/i18n';
import { Layout } from './ui/layout';

export function Home() {
  const { t } = useI18n();
  return (
    <Layout section="">
      <h1>{t('app.home.title')}</h1>
      <p className="lead">{t('app.home.lead')}</p>
      <ul className="home-links">
        <li>
          <a href="/sspr">{t('app.home.sspr')}</a>
        </li>
        <li>
          <a href="/myaccount">{t('app.home.myaccount')}</a>
        </li>
        <li>
          <a href="/admin">{t('app.home.admin')}</a>
        </li>
      </ul>
    </Layout>
  );
}
