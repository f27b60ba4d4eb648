/**
 * The questions a user picks from (Entra's predefined list, abridged). Answers are checked
 * case- and space-insensitively; a user registers at least `SECURITY_QUESTIONS_REQUIRED`
 * distinct questions of the catalog.
 */
export const securityQuestionCatalog: readonly string[] = [
  'In what city did you meet your first spouse or partner?',
  'In what city did your parents meet?',
  'In what city does your nearest sibling live?',
  'In what city was your father born?',
  'In what city was your first job?',
  'In what city was your mother born?',
  'What was the name of your first pet?',
  'What was the name of your first school?',
  'What was the make and model of your first car?',
  'What was your childhood nickname?',
  'What is the first name of your oldest cousin?',
  'What was the name of the street you grew up on?',
];

export const SECURITY_QUESTIONS_REQUIRED = 3;
