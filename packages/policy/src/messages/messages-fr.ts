import type { MessageCatalogue } from './catalogue.js';

export const messagesFr: MessageCatalogue = {
  rules: {
    too_short: {
      requirement: 'Au moins {minLength} caractères.',
      failed: 'Trop court : utilisez au moins {minLength} caractères.',
    },
    too_long: {
      requirement: 'Au plus {maxLength} caractères.',
      failed: 'Trop long : utilisez au plus {maxLength} caractères.',
    },
    complexity: {
      requirement:
        'Des caractères de {categoriesRequired} sortes parmi : majuscules, minuscules, chiffres, symboles, autres lettres ; et ni votre nom de compte ni une partie de votre nom.',
      failed: 'Ne respecte pas la règle de complexité de votre organisation.',
    },
    history: {
      requirement: 'Différent de vos {historyLength} derniers mots de passe.',
      failed:
        'Vous avez déjà utilisé ce mot de passe récemment : choisissez-en un que vous n’avez jamais utilisé.',
    },
    min_age: {
      requirement: 'Votre mot de passe peut être changé une fois qu’il a {minAge}.',
      failed: 'Votre mot de passe a été changé trop récemment pour être changé de nouveau.',
    },
    banned: {
      requirement: 'Pas de mot de passe courant, de mot interdit ni de nom facile à deviner.',
      failed:
        'Ce mot de passe contient un mot, une expression ou un motif qui le rend facile à deviner. Choisissez un mot de passe plus difficile à deviner.',
    },
    weak: {
      requirement: 'Difficile à deviner (robustesse d’au moins {minScore} sur 4).',
      failed:
        'Trop facile à deviner (robustesse {score} sur 4, il faut {minScore}) : ajoutez des mots ou des caractères.',
    },
    directory_filter: {
      requirement: 'Accepté par l’annuaire de votre organisation.',
      failed:
        'L’annuaire de votre organisation a refusé ce mot de passe selon l’une de ses propres règles. Essayez-en un autre.',
    },
  },
  details: {
    'complexity.categories':
      'Il contient des caractères de {categoriesMet} sortes ; il en faut {categoriesRequired} parmi majuscules, minuscules, chiffres, symboles et autres lettres.',
    'complexity.account_name': 'Il contient votre nom de compte.',
    'complexity.display_name': 'Il contient une partie de votre nom.',
    'banned.common_password': 'Il est construit sur un mot de passe très utilisé.',
    'banned.custom_term': 'Il contient un terme interdit par votre organisation.',
    'banned.user_name': 'Il contient votre nom.',
    'banned.tenant_name': 'Il contient le nom de votre organisation.',
    'min_age.allowed_at': 'Vous pourrez le changer de nouveau après le {allowedAt}.',
  },
  checkedByDirectory: 'L’annuaire de votre organisation le vérifie quand vous validez.',
};
