import { createContext, useContext } from 'react';
import type { Problem } from './api';

export type Language = 'zh' | 'en';

const zh = {
  appName: '山西省职业教育项目认定管理平台',
  signIn: '登录',
  signInTitle: '登录平台',
  identityPlatform: '使用统一身份认证平台登录',
  login: '登录名',
  password: '密码',
  totp: '动态验证码',
  totpHint: '请输入身份验证器应用中显示的 6 位数字',
  loginRequired: '请输入登录名',
  passwordRequired: '请输入密码',
  setUpTitle: '设置您的账号',
  setUpIntro: '请设置登录名和密码。密码至少 12 个字符，建议使用由几个词组成的短语。',
  confirmPassword: '确认密码',
  passwordsDiffer: '两次输入的密码不一致',
  setUp: '设置并登录',
  setUpLinkMissing: '设置链接无效',
  setUpLinkMissingDetail: '请使用管理员发给您的完整链接；如链接已过期，请联系管理员重新发放。',
  signOut: '退出登录',
  myGrants: '我的授权',
  actingAs: '当前身份',
  organisation: '单位',
  city: '所在地市',
  duty: '职责',
  project: '限定项目',
  allProjects: '全部',
  noGrant: '您的账号尚无授权，请联系本单位管理员。',
  language: 'English',
  loading: '加载中…',
  todo: '待办事项',
  todoEmpty: '暂无待办事项',
  notices: '公示公告',
  noticesIntro: '以下项目正在公示。对公示内容有异议的，可在公示期内实名提出。',
  noticesEmpty: '当前没有正在公示的项目',
  noticeOf: '公示',
  endsOn: '公示截止',
  projectTitle: '项目名称',
  applicant: '申报单位',
  tier: '档次',
  objectionCount: '异议',
  projects: '个项目',
} as const;

const en: Record<keyof typeof zh, string> = {
  appName: 'Shanxi Vocational Education Accreditation',
  signIn: 'Sign in',
  signInTitle: 'Sign in',
  identityPlatform: 'Sign in with the identity platform',
  login: 'Login',
  password: 'Password',
  totp: 'Authenticator code',
  totpHint: 'The 6 digits your authenticator app shows',
  loginRequired: 'Enter your login',
  passwordRequired: 'Enter your password',
  setUpTitle: 'Set up your account',
  setUpIntro: 'Choose a login and a password of at least 12 characters; a phrase of several words is safest.',
  confirmPassword: 'Confirm the password',
  passwordsDiffer: 'The two passwords differ',
  setUp: 'Set up and sign in',
  setUpLinkMissing: 'The set-up link is not valid',
  setUpLinkMissingDetail: 'Open the whole link your admin sent you; if it expired, ask for a new one.',
  signOut: 'Sign out',
  myGrants: 'My grants',
  actingAs: 'Acting as',
  organisation: 'Organisation',
  city: 'City',
  duty: 'Duty',
  project: 'Project',
  allProjects: 'All',
  noGrant: 'Your account holds no grant yet: ask your organisation’s admin.',
  language: '中文',
  loading: 'Loading…',
  todo: 'To do',
  todoEmpty: 'Nothing to do',
  notices: 'Public notices',
  noticesIntro: 'These projects are in their public notice. Objections are filed under real name before the notice ends.',
  noticesEmpty: 'No project is in a public notice now',
  noticeOf: 'Notice',
  endsOn: 'Ends on',
  projectTitle: 'Project',
  applicant: 'Applicant',
  tier: 'Tier',
  objectionCount: 'Objections',
  projects: 'projects',
};

export type Messages = typeof en;
export const MESSAGES: Record<Language, Messages> = { zh, en };

/** Each grant's duty in the user's language. */
export const DUTIES: Record<Language, Record<string, string>> = {
  zh: {
    'office-admin': '省教育厅系统管理员',
    'office-staff': '省教育厅工作人员',
    'bureau-clerk': '市局经办人',
    'school-admin': '学校管理员',
    'project-lead': '项目负责人',
    liaison: '联络员',
    'school-head': '校长/法人',
    'enterprise-admin': '企业管理员',
    expert: '评审专家',
    auditor: '审计人员',
  },
  en: {
    'office-admin': 'Office admin',
    'office-staff': 'Office staff',
    'bureau-clerk': 'Bureau clerk',
    'school-admin': 'School admin',
    'project-lead': 'Project lead',
    liaison: 'Liaison',
    'school-head': 'Head (sign-off)',
    'enterprise-admin': 'Enterprise admin',
    expert: 'Expert',
    auditor: 'Auditor',
  },
};

/** The programs of the 2020 plan by their codes; a program added by configuration shows its code. */
export const PROGRAMS: Record<Language, Record<string, string>> = {
  zh: {
    'secondary-school': '省级高水平中等职业学校',
    'higher-college': '省级高水平高等职业院校',
    'specialty-group': '高水平专业群',
    'brand-major': '职业教育品牌专业',
    'quality-course': '省级职业教育精品课程',
  },
  en: {
    'secondary-school': 'High-level secondary vocational schools',
    'higher-college': 'High-level higher vocational colleges',
    'specialty-group': 'High-level specialty groups',
    'brand-major': 'Brand majors',
    'quality-course': 'Quality courses',
  },
};

/** A problem's stable code as a sentence in the user's language; the service's own words otherwise. */
const PROBLEMS: Record<Language, Record<string, string>> = {
  zh: {
    'sign-in-failed': '登录名或密码错误。',
    'totp-required': '该账号已启用动态验证码，请输入身份验证器中的 6 位数字。',
    'sign-in-throttled': '登录失败次数过多，请稍后再试。',
    'setup-link-invalid': '设置链接无效、已使用或已过期，请联系管理员重新发放。',
    'login-taken': '该登录名已被使用，请换一个。',
    'password-refused': '密码不符合要求：',
    'validation-failed': '填写的内容有误：',
    'no-grant': '您的账号尚无授权，请联系本单位管理员。',
    'network-error': '无法连接到服务，请检查网络后重试。',
    'rate-limited': '访问过于频繁，请稍后再试。',
    unauthenticated: '登录已失效，请重新登录。',
  },
  en: {
    'sign-in-failed': 'The login or the password is wrong.',
    'totp-required': 'This account signs in with an authenticator code too.',
    'sign-in-throttled': 'Too many failed sign-ins: try again later.',
    'setup-link-invalid': 'The set-up link is unknown, used already or expired: ask your admin for a new one.',
    'login-taken': 'This login is taken: choose another.',
    'password-refused': 'The password is not accepted: ',
    'validation-failed': 'Please check: ',
    'no-grant': 'Your account holds no grant yet: ask your organisation’s admin.',
    'network-error': 'The service cannot be reached: check the network and try again.',
    'rate-limited': 'Too many requests: try again in a moment.',
    unauthenticated: 'Your session has ended: sign in again.',
  },
};

export function problemText(language: Language, problem: Problem): string {
  const sentence = PROBLEMS[language][problem.code];
  const reasons = (problem.details as { reasons?: { message?: string; messageEn?: string }[] } | undefined)?.reasons;
  if (problem.code === 'password-refused' && reasons?.length) return sentence + reasons.map((r) => (language === 'zh' ? r.message : (r.messageEn ?? r.message))).join(' ');
  if (problem.code === 'validation-failed' && problem.errors?.length) return sentence + problem.errors.map((e) => e.message).join('；');
  if (problem.code === 'sign-in-throttled' && typeof problem.retryAfterSeconds === 'number') {
    return language === 'zh' ? `登录失败次数过多，请 ${problem.retryAfterSeconds} 秒后再试。` : `Too many failed sign-ins: try again in ${problem.retryAfterSeconds} s.`;
  }
  return sentence ?? problem.detail ?? problem.code;
}

export const LanguageContext = createContext<{ language: Language; setLanguage: (language: Language) => void }>({ language: 'zh', setLanguage: () => undefined });

export function useMessages() {
  const { language } = useContext(LanguageContext);
  return { t: MESSAGES[language], language, duties: DUTIES[language], programs: PROGRAMS[language], problem: (p: Problem) => problemText(language, p) };
}
