/**
 * Who takes part in the demo: Shanxi's 11 cities with their education and human-resources bureaus,
 * schools and colleges spread over them roughly as the province's are, a panel of experts, and
 * enterprises. Everything is drawn from a seeded generator, so a run at a given scale always plays
 * the same applicants with the same merits.
 */

export interface City {
  /** As tokens and projects name it, e.g. 太原市. */
  readonly name: string;
  /** Without 市, for composing names. */
  readonly short: string;
  /** ASCII, for user ids and idempotency keys. */
  readonly slug: string;
  /** Administrative division code (the 6 digits in a unified social credit code). */
  readonly code: string;
  readonly weight: number;
}

export const CITIES: readonly City[] = [
  { name: '太原市', short: '太原', slug: 'ty', code: '140100', weight: 18 },
  { name: '大同市', short: '大同', slug: 'dt', code: '140200', weight: 9 },
  { name: '阳泉市', short: '阳泉', slug: 'yq', code: '140300', weight: 5 },
  { name: '长治市', short: '长治', slug: 'cz', code: '140400', weight: 10 },
  { name: '晋城市', short: '晋城', slug: 'jc', code: '140500', weight: 7 },
  { name: '朔州市', short: '朔州', slug: 'sz', code: '140600', weight: 5 },
  { name: '晋中市', short: '晋中', slug: 'jz', code: '140700', weight: 10 },
  { name: '运城市', short: '运城', slug: 'yc', code: '140800', weight: 12 },
  { name: '忻州市', short: '忻州', slug: 'xz', code: '140900', weight: 8 },
  { name: '临汾市', short: '临汾', slug: 'lf', code: '141000', weight: 10 },
  { name: '吕梁市', short: '吕梁', slug: 'll', code: '141100', weight: 8 },
];

/** A seeded generator (mulberry32): the same scale always plays the same demo. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

export interface School {
  /** ASCII id, e.g. ty-c03 (college) or dt-s017 (secondary school). */
  readonly key: string;
  /** The organisation, as the applicant's token names it. */
  readonly name: string;
  readonly city: City;
  readonly kind: 'college' | 'secondary';
  /** A 技工学校, recommended for the secondary-school program by the city's human-resources bureau. */
  readonly technical: boolean;
  /** How strong its applications are (55–98): reviewers' scores scatter around it. */
  readonly merit: number;
  /** Applies to be a high-level school or college (高水平中职, 高水平高职): every college, about half of the secondary schools. */
  readonly highLevel: boolean;
  /** Brand majors and quality courses it applies for (every school applies for something). */
  readonly brandMajors: number;
  readonly courses: number;
}

export interface Enterprise {
  readonly key: string;
  readonly name: string;
  readonly city: City;
  readonly creditCode: string;
}

export interface Expert {
  readonly id: string;
  readonly org: string;
}

export interface Population {
  readonly schools: readonly School[];
  readonly enterprises: readonly Enterprise[];
  readonly experts: readonly Expert[];
}

const COLLEGE_FIELDS = ['机电', '信息', '财贸', '建筑', '交通', '旅游', '医药', '煤炭', '化工', '农林', '艺术', '工程', '经济', '电力', '体育'];
const INDUSTRIES = ['智能装备', '煤机', '特钢', '新材料', '电力', '建设投资', '现代物流', '数字科技', '文旅', '化工', '医药', '汽车', '轨道交通', '光电', '农业科技'];
const COMPANY_FORMS = ['股份有限公司', '集团有限公司', '有限公司'];
const EXPERT_ORGS = [
  '太原理工大学',
  '山西大学',
  '中北大学',
  '山西财经大学',
  '太原科技大学',
  '山西农业大学',
  '山西师范大学',
  '山西医科大学',
  '太原师范学院',
  '山西省教育科学研究院',
  '山西省职业技术教育研究所',
];

/** Splits `total` over the cities by weight (largest remainder). */
function spread(total: number): number[] {
  const sum = CITIES.reduce((s, c) => s + c.weight, 0);
  const exact = CITIES.map((c) => (total * c.weight) / sum);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const missing = total - counts.reduce((s, n) => s + n, 0);
  for (let k = 0; k < missing; k += 1) counts[order[k % order.length][1]] += 1;
  return counts;
}

const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A unified social credit code (GB 32100) of an enterprise registered in `city`, with its check character. */
export function creditCode(city: City, random: Random): string {
  let body = `91${city.code}MA`;
  while (body.length < 17) body += random.pick(CREDIT_CODE_CHARS.split(''));
  const sum = body.split('').reduce((s, ch, i) => s + CREDIT_CODE_CHARS.indexOf(ch) * CREDIT_CODE_WEIGHTS[i], 0);
  return body + CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31];
}

/**
 * `scale` schools (about one in eight a higher vocational college), a tenth as many enterprises (4–60),
 * and 33 experts from 11 universities and institutes.
 */
export function populationOf(scale: number, seed = 2020): Population {
  const random = new Random(seed);
  const colleges = Math.max(2, Math.round(scale * 0.12));
  const secondary = Math.max(1, scale - colleges);
  const schools: School[] = [];
  const collegeCounts = spread(colleges);
  const secondaryCounts = spread(secondary);
  CITIES.forEach((city, c) => {
    for (let k = 0; k < collegeCounts[c]; k += 1) {
      const name = k < COLLEGE_FIELDS.length ? `${city.short}${COLLEGE_FIELDS[k]}职业技术学院` : `${city.short}第${k + 1}职业技术学院`;
      schools.push({
        key: `${city.slug}-c${String(k + 1).padStart(2, '0')}`,
        name,
        city,
        kind: 'college',
        technical: false,
        merit: random.int(60, 98),
        highLevel: true,
        brandMajors: random.int(2, 3),
        courses: random.int(2, 4),
      });
    }
    for (let k = 0; k < secondaryCounts[c]; k += 1) {
      const technical = k % 3 === 2;
      const name = technical ? `${city.name}第${Math.floor(k / 3) + 1}技工学校` : `${city.name}第${k - Math.floor(k / 3) + 1}职业中学`;
      const highLevel = random.next() < 0.5;
      const brandMajors = random.pick([0, 0, 1, 1, 1]);
      const courses = random.pick([0, 0, 1, 1, 1]);
      const nothing = !highLevel && brandMajors + courses === 0;
      schools.push({
        key: `${city.slug}-s${String(k + 1).padStart(3, '0')}`,
        name,
        city,
        kind: 'secondary',
        technical,
        merit: random.int(55, 97),
        highLevel,
        brandMajors: nothing && k % 2 === 0 ? 1 : brandMajors,
        courses: nothing && k % 2 === 1 ? 1 : courses,
      });
    }
  });
  const enterpriseCount = Math.min(60, Math.max(4, Math.round(scale / 10)));
  const enterprises: Enterprise[] = [];
  const perCity = spread(enterpriseCount);
  CITIES.forEach((city, c) => {
    for (let k = 0; k < perCity[c]; k += 1) {
      const name = `${city.short}${INDUSTRIES[k % INDUSTRIES.length]}${k >= INDUSTRIES.length ? k + 1 : ''}${COMPANY_FORMS[k % COMPANY_FORMS.length]}`;
      enterprises.push({ key: `${city.slug}-e${String(k + 1).padStart(2, '0')}`, name, city, creditCode: creditCode(city, random) });
    }
  });
  const experts = EXPERT_ORGS.flatMap((org, o) => [0, 1, 2].map((n) => ({ id: `expert-${String(o * 3 + n + 1).padStart(2, '0')}`, org })));
  return { schools, enterprises, experts };
}

// ---------------------------------------------------------------------------------------------
// What the applications are about

export const MAJORS: readonly (readonly [string, string])[] = [
  ['460301', '机电一体化技术'],
  ['460305', '工业机器人技术'],
  ['460303', '智能控制技术'],
  ['460103', '数控技术'],
  ['510201', '计算机应用技术'],
  ['510202', '计算机网络技术'],
  ['510203', '软件技术'],
  ['510205', '大数据技术'],
  ['510209', '人工智能技术应用'],
  ['530302', '大数据与会计'],
  ['530701', '电子商务'],
  ['530802', '现代物流管理'],
  ['540101', '旅游管理'],
  ['540106', '酒店管理与数字化运营'],
  ['520201', '护理'],
  ['420501', '煤矿智能开采技术'],
  ['440301', '建筑工程技术'],
  ['500211', '汽车检测与维修技术'],
  ['500606', '城市轨道交通运营管理'],
  ['430101', '电力系统自动化技术'],
  ['410101', '现代农业技术'],
  ['550101', '艺术设计'],
];

export const COURSES: readonly string[] = [
  'PLC编程与应用',
  '机械制图',
  '电工电子技术',
  'Python程序设计',
  '数据库应用技术',
  '网页设计与制作',
  '基础会计',
  '市场营销',
  '护理学基础',
  '煤矿安全技术',
  '汽车发动机构造与维修',
  '建筑识图与构造',
  '电子商务实务',
  '导游业务',
  '数控编程与加工',
  '单片机应用技术',
  '工业机器人编程',
  '物流管理基础',
  '酒店服务与管理',
  '中式烹调技艺',
];

export const SPECIALTY_GROUPS: readonly { readonly name: string; readonly majors: readonly (readonly [string, string])[] }[] = [
  { name: '智能制造专业群', majors: [MAJORS[0], MAJORS[1], MAJORS[2], MAJORS[3]] },
  { name: '新一代信息技术专业群', majors: [MAJORS[4], MAJORS[5], MAJORS[6], MAJORS[7], MAJORS[8]] },
  { name: '现代商贸服务专业群', majors: [MAJORS[9], MAJORS[10], MAJORS[11]] },
  { name: '文旅融合专业群', majors: [MAJORS[12], MAJORS[13], MAJORS[21]] },
  { name: '智慧矿山专业群', majors: [MAJORS[15], MAJORS[0], MAJORS[19]] },
  { name: '智能建造专业群', majors: [MAJORS[16], MAJORS[3], MAJORS[21]] },
  { name: '智慧交通专业群', majors: [MAJORS[17], MAJORS[18], MAJORS[19]] },
];
