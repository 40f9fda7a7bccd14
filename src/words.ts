/**
 * The service's codes in plain words: each project and cycle stage, each event of a project's history,
 * each kind of work on a to-do list and each deadline, each reaction and each ground of a revocation.
 * A code without words here is shown as it is. The console
 * shows them, and the service writes them into the files people download (spreadsheets, PDFs).
 */

export type Language = 'zh' | 'en';

type Words = Readonly<Record<Language, Readonly<Record<string, string>>>>;

export const STAGES: Words = {
  zh: {
    Draft: '草稿',
    Submitted: '已提交，待形式审查',
    Returned: '退回修改',
    FormallyChecked: '形式审查通过，待推荐',
    Recommended: '已推荐，待评审',
    UnderReview: '专家评审中',
    Shortlisted: '拟入选',
    InPublicNotice: '公示中',
    Approved: '已立项，待提交建设方案',
    Withdrawn: '已撤回',
    FormallyRejected: '形式审查未通过',
    NotRecommended: '未获推荐',
    NotSelected: '未入选',
    RemovedAfterObjection: '因异议成立取消',
    RemovedFromList: '已从名单中移除',
    PlanSubmitted: '建设方案待审核',
    UnderConstruction: '建设中',
    MidtermEvaluated: '已中期评价',
    Rectification: '整改中',
    RectificationFailed: '整改未通过',
    Extended: '已延期',
    FinalSelfAssessed: '已提交终期自评',
    FinalEvaluated: '验收通过，待认定',
    Deferred: '暂缓认定',
    Failed: '验收不通过',
    Suspended: '已中止',
    Accredited: '已认定',
    Recognised: '已认定（无建设期）',
    Revoked: '已撤销',
  },
  en: {
    Draft: 'Draft',
    Submitted: 'Submitted, awaiting the formal check',
    Returned: 'Returned for revision',
    FormallyChecked: 'Formally checked, awaiting recommendation',
    Recommended: 'Recommended, awaiting review',
    UnderReview: 'Under expert review',
    Shortlisted: 'Shortlisted',
    InPublicNotice: 'In public notice',
    Approved: 'Approved, construction plan due',
    Withdrawn: 'Withdrawn',
    FormallyRejected: 'Failed the formal check',
    NotRecommended: 'Not recommended',
    NotSelected: 'Not selected',
    RemovedAfterObjection: 'Removed after an objection',
    RemovedFromList: 'Removed from the list',
    PlanSubmitted: 'Construction plan under review',
    UnderConstruction: 'Under construction',
    MidtermEvaluated: 'Mid-term evaluated',
    Rectification: 'In rectification',
    RectificationFailed: 'Rectification failed',
    Extended: 'Extended',
    FinalSelfAssessed: 'Final self-assessment submitted',
    FinalEvaluated: 'Passed final evaluation',
    Deferred: 'Accreditation deferred',
    Failed: 'Failed final evaluation',
    Suspended: 'Suspended',
    Accredited: 'Accredited',
    Recognised: 'Recognised (no construction)',
    Revoked: 'Revoked',
  },
};

export const EVENTS: Words = {
  zh: {
    ApplicationDrafted: '创建申报草稿',
    ApplicationEdited: '修改申报信息',
    ApplicationDocumentsAttached: '保存申报材料',
    ApplicationSubmitted: '校长签发并提交申报',
    ApplicationWithdrawn: '撤回申报',
    ApplicationReturned: '退回修改',
    FormalCheckPassed: '形式审查通过',
    FormalCheckFailed: '形式审查未通过',
    ApplicationRecommended: '市局推荐',
    ApplicationNotRecommended: '市局不予推荐',
    ReviewerAssigned: '分配评审专家',
    ReviewerRecused: '专家回避',
    ReviewScored: '专家提交评分',
    ReviewScoreDrafted: '保存评分草稿',
    ReviewScoreCorrected: '更正评分',
    SelectionRecorded: '确定遴选结果',
    PublicNoticeRecorded: '开始公示',
    ObjectionFiled: '收到异议（受理）',
    ObjectionRejected: '收到异议（不予受理）',
    ObjectionDismissed: '异议不成立',
    ObjectionUpheld: '异议成立',
    ProjectRemovedAfterObjection: '因异议成立取消',
    RemovalFromListRecorded: '从名单中移除',
    ProjectApproved: '批准立项',
    ConstructionPlanSubmitted: '提交建设方案和任务书',
    ConstructionPlanOverdue: '建设方案逾期未交',
    DeadlineReminded: '到期提醒',
    ConstructionPlanAccepted: '建设方案审核通过',
    ConstructionPlanRejected: '建设方案退回',
    AnnualReportSubmitted: '提交年度报告',
    AnnualReportOverdue: '年度报告逾期未交',
    ChangeRequested: '申请变更',
    ChangeApproved: '变更获批',
    ChangeRejected: '变更未获批',
    MidtermEvaluated: '中期评价',
    RectificationOrdered: '责令整改',
    RectificationSubmitted: '提交整改报告',
    RectificationOverdue: '整改逾期',
    RectificationAccepted: '整改通过',
    RectificationFailed: '整改未通过',
    ProjectSuspended: '中止建设',
    FinalSelfAssessmentSubmitted: '提交终期自评报告',
    ConstructionPeriodEnded: '建设期结束',
    EvaluationExtended: '延期验收',
    FinalEvaluated: '终期验收',
    ProjectAccredited: '正式认定',
    ProjectRecognised: '公示无异议，予以认定',
    CourseUpdateSubmitted: '提交课程更新',
    CourseUpdateOverdue: '课程更新逾期',
    ProjectRevoked: '撤销认定',
    FundRecoveryOrdered: '责令追回资金',
    FundsRecovered: '资金已追回',
    AnnualReportGraded: '年度绩效评价',
    PerformanceWarningIssued: '绩效预警',
    NextYearGrantReduced: '核减下一年度资金',
    FundRecoveryOverdue: '资金追回逾期',
    IncubationApplicationSubmitted: '提交培育申请',
    IncubationApplicationIneligible: '不符合申报条件',
    IncubationApplicationRecommended: '市局推荐',
    IncubationApplicationNotRecommended: '市局不予推荐',
    JointReviewPassed: '部门联审通过',
    JointReviewFailed: '部门联审未通过',
    PublicNoticeOpened: '开始公示',
    AdmissionRefusedAfterObjection: '因异议成立不予入库',
    CertificationRefusedAfterObjection: '因异议成立不予认证',
    AdmittedToIncubation: '纳入培育库',
    ThreeYearPlanPublished: '发布三年规划',
    ThreeYearPlanOverdue: '三年规划逾期未发布',
    MinimumIncubationReached: '培育期满一年',
    MaterialChangeReported: '报告重大变更',
    CertificationRequested: '申请认证',
    CertificationEvaluationPassed: '认证评价通过',
    CertificationEvaluationFailed: '认证评价未通过',
    EnterpriseCertified: '认证为产教融合型企业',
    CertificateExpired: '认证到期',
    EnterpriseDisqualified: '取消资格',
  },
  en: {
    ApplicationDrafted: 'Application drafted',
    ApplicationEdited: 'Application edited',
    ApplicationDocumentsAttached: 'Documents saved',
    ApplicationSubmitted: 'Signed off and submitted by the head',
    ApplicationWithdrawn: 'Application withdrawn',
    ApplicationReturned: 'Returned for revision',
    FormalCheckPassed: 'Formal check passed',
    FormalCheckFailed: 'Formal check failed',
    ApplicationRecommended: 'Recommended by the city',
    ApplicationNotRecommended: 'Not recommended by the city',
    ReviewerAssigned: 'Expert assigned',
    ReviewerRecused: 'Expert recused',
    ReviewScored: 'Expert scored',
    ReviewScoreDrafted: 'Score draft saved',
    ReviewScoreCorrected: 'Score corrected',
    SelectionRecorded: 'Selection decided',
    PublicNoticeRecorded: 'Public notice opened',
    ObjectionFiled: 'Objection filed (admissible)',
    ObjectionRejected: 'Objection filed (inadmissible)',
    ObjectionDismissed: 'Objection dismissed',
    ObjectionUpheld: 'Objection upheld',
    ProjectRemovedAfterObjection: 'Removed after an objection',
    RemovalFromListRecorded: 'Removed from the list',
    ProjectApproved: 'Approved',
    ConstructionPlanSubmitted: 'Construction plan and task book submitted',
    ConstructionPlanOverdue: 'Construction plan overdue',
    DeadlineReminded: 'Deadline reminder',
    ConstructionPlanAccepted: 'Construction plan accepted',
    ConstructionPlanRejected: 'Construction plan returned',
    AnnualReportSubmitted: 'Annual report submitted',
    AnnualReportOverdue: 'Annual report overdue',
    ChangeRequested: 'Change requested',
    ChangeApproved: 'Change approved',
    ChangeRejected: 'Change rejected',
    MidtermEvaluated: 'Mid-term evaluation',
    RectificationOrdered: 'Rectification ordered',
    RectificationSubmitted: 'Rectification report submitted',
    RectificationOverdue: 'Rectification overdue',
    RectificationAccepted: 'Rectification accepted',
    RectificationFailed: 'Rectification failed',
    ProjectSuspended: 'Suspended',
    FinalSelfAssessmentSubmitted: 'Final self-assessment submitted',
    ConstructionPeriodEnded: 'Construction period ended',
    EvaluationExtended: 'Evaluation extended',
    FinalEvaluated: 'Final evaluation',
    ProjectAccredited: 'Accredited',
    ProjectRecognised: 'Recognised on approval',
    CourseUpdateSubmitted: 'Course update submitted',
    CourseUpdateOverdue: 'Course update overdue',
    ProjectRevoked: 'Revoked',
    FundRecoveryOrdered: 'Fund recovery ordered',
    FundsRecovered: 'Funds recovered',
    AnnualReportGraded: 'Annual report graded',
    PerformanceWarningIssued: 'Performance warning',
    NextYearGrantReduced: 'Next year’s grant reduced',
    FundRecoveryOverdue: 'Fund recovery overdue',
    IncubationApplicationSubmitted: 'Incubation application submitted',
    IncubationApplicationIneligible: 'Not eligible',
    IncubationApplicationRecommended: 'Recommended by the city',
    IncubationApplicationNotRecommended: 'Not recommended by the city',
    JointReviewPassed: 'Joint review passed',
    JointReviewFailed: 'Joint review failed',
    PublicNoticeOpened: 'Public notice opened',
    AdmissionRefusedAfterObjection: 'Not admitted after an objection',
    CertificationRefusedAfterObjection: 'Not certified after an objection',
    AdmittedToIncubation: 'Admitted to incubation',
    ThreeYearPlanPublished: 'Three-year plan published',
    ThreeYearPlanOverdue: 'Three-year plan overdue',
    MinimumIncubationReached: 'A year of incubation reached',
    MaterialChangeReported: 'Material change reported',
    CertificationRequested: 'Certification requested',
    CertificationEvaluationPassed: 'Certification evaluation passed',
    CertificationEvaluationFailed: 'Certification evaluation failed',
    EnterpriseCertified: 'Certified',
    CertificateExpired: 'Certificate expired',
    EnterpriseDisqualified: 'Disqualified',
  },
};

/** An enterprise's stages (产教融合型企业). */
export const ENTERPRISE_STAGES: Words = {
  zh: {
    Submitted: '已申请，待市局推荐',
    Recommended: '已推荐，待部门联审',
    JointlyReviewed: '联审通过，待公示',
    InPublicNotice: '公示中',
    InIncubation: '培育中',
    CertificationRequested: '已申请认证',
    CertificationEvaluated: '认证评价通过，待公示',
    Certified: '已认证',
    CertificateExpired: '认证已到期',
    NotAdmitted: '未纳入培育',
    Disqualified: '已取消资格',
  },
  en: {
    Submitted: 'Applied, awaiting the city',
    Recommended: 'Recommended, awaiting the joint review',
    JointlyReviewed: 'Jointly reviewed, awaiting the notice',
    InPublicNotice: 'In public notice',
    InIncubation: 'In incubation',
    CertificationRequested: 'Certification requested',
    CertificationEvaluated: 'Evaluated, awaiting the notice',
    Certified: 'Certified',
    CertificateExpired: 'Certificate expired',
    NotAdmitted: 'Not admitted',
    Disqualified: 'Disqualified',
  },
};

/** Who acted, by role, as a history names them. */
export const ROLES: Words = {
  zh: { applicant: '申报单位', recommender: '市级推荐单位', reviewer: '评审专家', office: '省教育厅', auditor: '审计人员', public: '社会公众' },
  en: { applicant: 'Applicant', recommender: 'City bureau', reviewer: 'Expert', office: 'Provincial office', auditor: 'Auditor', public: 'Member of the public' },
};

/** The to-do list's kinds of work, and the deadlines a project's page shows (their `kind`). */
export const WORK: Words = {
  zh: {
    'submit-application': '待完成并提交的申报',
    'revise-application': '退回修改的申报',
    'formal-check': '待形式审查的申报',
    recommend: '待推荐排序的申报',
    'assign-reviewers': '待分配评审专家的项目',
    'decide-construction-plan': '待审核的建设方案',
    'score-review': '待评分的项目',
    'resolve-objections': '待处理的公示异议',
    overdue: '有逾期事项的项目',
    'construction-plan-due': '提交建设方案和任务书',
    'annual-report-due': '提交年度报告',
    'course-update-due': '提交课程更新',
    'rectification-due': '提交整改报告',
    'construction-period-end': '建设期结束',
    'recommend-enterprise': '待推荐的企业申请',
    'joint-review': '待部门联审的企业',
    'evaluate-certification': '待认证评价的企业',
    'three-year-plan-due': '发布三年规划',
  },
  en: {
    'submit-application': 'Applications to complete and submit',
    'revise-application': 'Applications returned for revision',
    'formal-check': 'Applications awaiting the formal check',
    recommend: 'Applications to rank and recommend',
    'assign-reviewers': 'Projects awaiting experts',
    'decide-construction-plan': 'Construction plans to decide',
    'score-review': 'Projects to score',
    'resolve-objections': 'Objections to resolve',
    overdue: 'Projects with something overdue',
    'construction-plan-due': 'Hand in the construction plan and task book',
    'annual-report-due': 'Hand in the annual report',
    'course-update-due': 'Hand in the course update',
    'rectification-due': 'Hand in the rectification report',
    'construction-period-end': 'End of construction',
    'recommend-enterprise': 'Enterprises to recommend',
    'joint-review': 'Enterprises awaiting the joint review',
    'evaluate-certification': 'Enterprises awaiting certification',
    'three-year-plan-due': 'Publish the three-year plan',
  },
};

/** A cycle's statuses (批次). */
export const CYCLE_STAGES: Words = {
  zh: { Open: '已开设', WindowClosed: '申报已截止', Closed: '已结束' },
  en: { Open: 'Opened', WindowClosed: 'Applications closed', Closed: 'Closed' },
};

/** The commands the service carries from one record to another by itself (its reactions), as a failed one is listed. */
export const REACTIONS: Words = {
  zh: {
    RecordSelection: '将遴选结果记入项目',
    RecordPublicNotice: '将公示记入项目',
    RecordRemovalFromList: '将移出名单记入项目',
    RecordApproval: '将立项记入项目',
    ReleaseRegistration: '申报撤回后释放批次登记',
    RemoveFromList: '异议成立后从批次名单移除',
  },
  en: {
    RecordSelection: 'Record the selection on the project',
    RecordPublicNotice: 'Record the notice on the project',
    RecordRemovalFromList: 'Record the removal on the project',
    RecordApproval: 'Record the approval on the project',
    ReleaseRegistration: 'Release the cycle’s registration of a withdrawn application',
    RemoveFromList: 'Take the project off the cycle’s list after an upheld objection',
  },
};

/** The grounds an enterprise is disqualified on (产教融合型企业 are removed for these). */
export const DISQUALIFICATION_GROUNDS: Words = {
  zh: {
    fraud: '申报材料、年度报告或评估中弄虚作假',
    'major-accident': '发生重大环保、安全、质量事故',
    'infringed-student-rights': '侵害学生合法权益',
    'credit-blacklisted': '被列为失信联合惩戒对象',
  },
  en: {
    fraud: 'Fraud in the application, an annual report or an assessment',
    'major-accident': 'A major environmental, safety or quality accident',
    'infringed-student-rights': 'Infringed students’ rights',
    'credit-blacklisted': 'Listed for joint sanctions for dishonesty',
  },
};

/** The grounds a project is revoked on (撤销认定), in the order the office chooses among them. */
export const REVOCATION_GROUNDS: Words = {
  zh: {
    fraud: '申报或报告弄虚作假',
    'major-violation': '发生重大违规违纪问题',
    'failed-rectification': '整改未通过后被中止',
    'failed-acceptance': '终期验收不通过',
    'ceased-to-exist': '学校或专业已不存在（停办、停招）',
    'obligations-breached': '认定后未履行义务（如课程未按期更新）',
    'upheld-objection': '异议成立',
    'poor-performance': '年度绩效评价连续较差',
  },
  en: {
    fraud: 'Fraud in the application or reports',
    'major-violation': 'A major violation',
    'failed-rectification': 'Suspended after a failed rectification',
    'failed-acceptance': 'Failed the final evaluation',
    'ceased-to-exist': 'The school or major ceased to exist',
    'obligations-breached': 'Obligations after accreditation breached (course not updated)',
    'upheld-objection': 'An upheld objection',
    'poor-performance': 'Poor yearly performance, year after year',
  },
};

/**
 * What a notification says (domain/notifications), by `kind.outcome` or by `kind` alone: `{title}` is the
 * project's title or the enterprise's name, `{duty}` a grant's duty in words.
 */
/** Each grant's duty in the user's language. */
export const DUTIES: Words = {
  zh: {
    'office-admin': '省教育厅系统管理员',
    'office-staff': '省教育厅工作人员',
    'bureau-clerk': '市局经办人',
    'school-admin': '学校管理员',
    'project-lead': '项目负责人',
    liaison: '联络员',
    'school-head': '校长/法人',
    'enterprise-admin': '企业管理员',
    'government-admin': '市政府经办人',
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
    'government-admin': 'City government officer',
    expert: 'Expert',
    auditor: 'Auditor',
  },
};

export const NOTIFICATIONS: Words = {
  zh: {
    'application-returned': '申报“{title}”被退回修改',
    'formal-check.passed': '“{title}”通过形式审查',
    'formal-check.failed': '“{title}”未通过形式审查',
    'recommendation.recommended': '“{title}”已获推荐',
    'recommendation.not-recommended': '“{title}”未获推荐',
    'selection.shortlisted': '“{title}”拟入选',
    'selection.not-selected': '“{title}”未入选',
    'approval.approved': '“{title}”已立项',
    'approval.recognised': '“{title}”已认定',
    'objection-filed': '有人对“{title}”提出了异议',
    'objection-resolved.dismissed': '对“{title}”的异议经核查不成立',
    'objection-resolved.upheld': '对“{title}”的异议经核查成立',
    'reviewer-assigned': '您被指派评审“{title}”',
    'enterprise-admitted': '“{title}”已纳入产教融合型企业培育',
    'enterprise-certified.initial': '“{title}”已认定为产教融合型企业',
    'enterprise-certified.renewal': '“{title}”的产教融合型企业认定已续期',
    'enterprise-disqualified': '“{title}”被取消产教融合型企业资格',
    'grant-given': '您获得了“{duty}”职责',
    'grant-revoked': '您的“{duty}”职责已被撤销',
    'deadline-ahead': '“{title}”的{obligation}须于 {dueOn} 前提交',
    'deadline-ahead.certificate': '“{title}”的产教融合型企业认定证书将于 {dueOn} 到期',
    overdue: '“{title}”的{obligation}已逾期（截止 {dueOn}）',
  },
  en: {
    'application-returned': '“{title}” was returned for revision',
    'formal-check.passed': '“{title}” passed the formal check',
    'formal-check.failed': '“{title}” failed the formal check',
    'recommendation.recommended': '“{title}” was recommended',
    'recommendation.not-recommended': '“{title}” was not recommended',
    'selection.shortlisted': '“{title}” was shortlisted',
    'selection.not-selected': '“{title}” was not selected',
    'approval.approved': '“{title}” was approved',
    'approval.recognised': '“{title}” was recognised',
    'objection-filed': 'An objection was filed against “{title}”',
    'objection-resolved.dismissed': 'The objection against “{title}” was dismissed',
    'objection-resolved.upheld': 'The objection against “{title}” was upheld',
    'reviewer-assigned': 'You were assigned to review “{title}”',
    'enterprise-admitted': '“{title}” was admitted to incubation',
    'enterprise-certified.initial': '“{title}” was certified',
    'enterprise-certified.renewal': '“{title}”’s certification was renewed',
    'enterprise-disqualified': '“{title}” was disqualified',
    'grant-given': 'You were given the duty “{duty}”',
    'grant-revoked': 'Your duty “{duty}” was revoked',
    'deadline-ahead': '“{title}”: {obligation} due by {dueOn}',
    'deadline-ahead.certificate': '“{title}”: the certificate expires on {dueOn}',
    overdue: '“{title}”: {obligation} is overdue (due by {dueOn})',
  },
};

export const word = (words: Words, language: Language, code: string | null | undefined): string => (code ? (words[language][code] ?? code) : '—');

const DAY = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const MINUTE = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** An instant as the day and minute in Beijing, the service's one time zone. */
export const beijingTime = (instant: string): string => MINUTE.format(new Date(instant)).replace(/\//g, '-');
const YUAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount of yuan to the fen, with its thousands: 250,000.00 (the files and the console show money so). */
export const yuan = (amount: number): string => YUAN.format(amount);

/** Today in Beijing, by the reader's clock (the service's own decides; this fills a form's default). */
export const beijingToday = (): string => DAY.format(new Date()).replace(/\//g, '-');
/** An instant's day in Beijing; a day (YYYY-MM-DD) is kept as it is. */
export const beijingDay = (value: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : DAY.format(new Date(value)).replace(/\//g, '-'));

const OVERDUE: Words = {
  zh: { 'construction-plan': '建设方案和任务书', 'annual-report': '{0} 年度报告', 'course-update': '{0} 课程更新', rectification: '整改报告', 'three-year-plan': '三年规划', 'fund-recovery': '应退回的资金' },
  en: {
    'construction-plan': 'Construction plan and task book',
    'annual-report': 'Annual report {0}',
    'course-update': 'Course update {0}',
    rectification: 'Rectification report',
    'three-year-plan': 'Three-year plan',
    'fund-recovery': 'Funds to be returned',
  },
};

/** What a read model lists as overdue ("annual-report 2027", "rectification <id>") in plain words. */
export function overdueWords(language: Language, item: string): string {
  const [kind, ...rest] = item.split(' ');
  const words = OVERDUE[language][kind];
  return words ? words.replace('{0}', rest.join(' ')).trim() : item;
}

/** A notification as the service lists it: what its sentence is made of (GET /notifications, the e-mails). */
export interface NotificationWording {
  readonly kind: string;
  readonly outcome: string | null;
  readonly title: string | null;
  readonly recordId: string;
  /** The day an obligation is due by (a reminder, an overdue notice). */
  readonly dueOn: string | null;
}

/** A notification in one sentence of the reader's language; the console and the e-mails say the same. */
export function notificationSentence(language: Language, n: NotificationWording): string {
  const words = NOTIFICATIONS[language];
  const certificate = n.kind === 'deadline-ahead' && n.outcome?.startsWith('certificate');
  const sentence = (certificate ? words['deadline-ahead.certificate'] : undefined) ?? words[`${n.kind}.${n.outcome}`] ?? words[n.kind] ?? n.kind;
  return sentence
    .replace('{title}', n.title ?? n.recordId)
    .replace('{duty}', DUTIES[language][n.outcome ?? ''] ?? n.outcome ?? '')
    .replace('{obligation}', n.outcome ? overdueWords(language, n.outcome) : '')
    .replace('{dueOn}', n.dueOn ?? '');
}
