import type { MessageCatalogue } from './catalogue.js';

export const messagesEn: MessageCatalogue = {
  rules: {
    too_short: {
      requirement: 'At least {minLength} characters.',
      failed: 'Too short: use at least {minLength} characters.',
    },
    too_long: {
      requirement: 'At most {maxLength} characters.',
      failed: 'Too long: use at most {maxLength} characters.',
    },
    complexity: {
      requirement:
        'Characters of {categoriesRequired} kinds among: capital letters, small letters, digits, symbols, other letters; and not your account name or a part of your name.',
      failed: 'Does not meet your organisation’s complexity rule.',
    },
    history: {
      requirement: 'Not one of your last {historyLength} passwords.',
      failed: 'You have used this password recently: choose one you have not used before.',
    },
    min_age: {
      requirement: 'Your password can be changed once it is {minAge} old.',
      failed: 'Your password was changed too recently to be changed again.',
    },
    banned: {
      requirement: 'No common passwords, banned words or names that are easy to guess.',
      failed:
        'This password contains a word, phrase or pattern that makes it easy to guess. Choose a password that is harder for people to guess.',
    },
    weak: {
      requirement: 'Hard to guess (strength {minScore} of 4 or more).',
      failed:
        'Too easy to guess (strength {score} of 4, {minScore} needed): add more words or characters.',
    },
    directory_filter: {
      requirement: 'Accepted by your organisation’s directory.',
      failed:
        'Your organisation’s directory refused this password under one of its own rules. Try a different one.',
    },
  },
  details: {
    'complexity.categories':
      'It has characters of {categoriesMet} kinds; {categoriesRequired} are needed among capital letters, small letters, digits, symbols and other letters.',
    'complexity.account_name': 'It contains your account name.',
    'complexity.display_name': 'It contains a part of your name.',
    'banned.common_password': 'It is built on a commonly used password.',
    'banned.custom_term': 'It contains a term your organisation has banned.',
    'banned.user_name': 'It contains your name.',
    'banned.tenant_name': 'It contains your organisation’s name.',
    'min_age.allowed_at': 'You can change it again after {allowedAt}.',
  },
  checkedByDirectory: 'Your organisation’s directory checks this when you submit.',
};
