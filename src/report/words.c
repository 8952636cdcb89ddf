/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack's words (see words.h): one sorted-free table, looked up
 * by a linear scan (a pack looks up a few hundred words). */
#include "report/words.h"
#include <stdio.h>
#include <string.h>

typedef struct Word {
    const char *zKey;
    const char *zEn;
    const char *zZh;
} Word;

static const Word aWord[] = {
    {"title", "AI committee board pack", "AI 委员会季度报告"},
    {"period", "Period", "报告期"},
    {"generated", "Generated", "生成时间"},
    {"contents", "Contents", "目录"},
    {"page_fmt", "Page %d of %d", "第 %d 页，共 %d 页"},
    {"none", "None.", "无。"},
    {"colon", ": ", "："},
    /* sections */
    {"sec.scorecard", "Strategy scorecard", "战略计分卡"},
    {"sec.portfolio", "Portfolio and plan", "项目组合与计划"},
    {"sec.value", "Realised vs promised value", "已实现价值与承诺价值"},
    {"sec.resources", "Resource use", "资源使用"},
    {"sec.risk", "Risk", "风险"},
    {"sec.production", "Production health", "生产运行健康度"},
    {"sec.decisions", "Decisions needed and taken", "待决事项与已决事项"},
    {"sec.actions", "Actions", "行动项"},
    /* scorecard */
    {"score.intro",
     "Objectives and their KPIs as of the end of the period: progress from baseline to target, "
     "status from the trend projected to the target period, and the last values.",
     "截至报告期末的目标及其 KPI：从基线到目标的进度、按趋势推算至目标期的状态，以及最近的数值。"},
    {"score.summary", "%d KPIs: %d on track, %d at risk, %d off track, %d without data.",
     "共 %d 个 KPI：%d 个正常，%d 个有风险，%d 个偏离，%d 个暂无数据。"},
    {"col.kpi", "KPI", "KPI"},
    {"col.baseline", "Baseline", "基线"},
    {"col.latest", "Latest", "最新值"},
    {"col.target", "Target", "目标"},
    {"col.progress", "Progress", "进度"},
    {"col.status", "Status", "状态"},
    {"col.trend", "Trend", "趋势"},
    {"col.rank", "#", "#"},
    {"col.initiative", "Initiative", "举措"},
    {"col.stage", "Stage", "阶段"},
    {"col.score", "Score", "得分"},
    {"col.quadrant", "Quadrant", "象限"},
    {"col.value", "Expected value", "预期价值"},
    {"col.reason", "Why not funded", "未获资助原因"},
    {"col.pool", "Pool", "资源池"},
    {"col.capacity", "Capacity", "容量"},
    {"col.planned", "Planned", "计划"},
    {"col.actual", "Actual", "实际"},
    {"col.finding", "Finding", "发现"},
    {"findings", "Findings", "发现"},
    /* portfolio */
    {"port.ranking", "Ranking", "排名"},
    {"port.matrix", "Value / feasibility matrix", "价值 / 可行性矩阵"},
    {"port.x", "Feasibility", "可行性"},
    {"port.y", "Business value", "业务价值"},
    {"port.plan", "The plan", "资源计划"},
    {"port.plan_summary",
     "Plan %lld (%s): %d initiatives funded, %d not funded; expected value %s.",
     "计划 %lld（%s）：%d 项举措获资助，%d 项未获资助；预期价值 %s。"},
    {"port.no_plan", "No plan has been solved yet: the optimiser has not been run.",
     "尚未求解任何计划：优化器尚未运行。"},
    {"port.roadmap", "Roadmap of funded initiatives", "获资助举措路线图"},
    {"port.roadmap_note", "Green: under way; blue: starts in the plan.",
     "绿色：进行中；蓝色：计划内启动。"},
    {"port.unfunded", "Not funded, and why", "未获资助及原因"},
    /* resources */
    {"res.intro",
     "Capacity and planned load (latest plan) of each pool in %s, and its latest recorded actual "
     "use; a pool is idle below %.0f%% utilisation two quarters running, over-committed above its "
     "capacity, judged over the last four quarters.",
     "%s "
     "各资源池的容量与计划负载（最新计划），以及最近记录的实际使用；按最近四个季度判断：连续两个季"
     "度利用率低于 %.0f%% 为闲置，超过容量为超负荷。"},
    {"res.chart", "Utilisation in %s", "%s 利用率"},
    {"res.planned", "planned", "计划"},
    {"res.actual", "actual (latest quarter recorded)", "实际（最近有记录的季度）"},
    {"res.breakeven", "Cloud vs private break-even", "公有云与自建算力盈亏平衡"},
    {"res.teams", "Team gaps and over-commitment", "团队缺口与超额投入"},
    {"res.idle", "idle", "闲置"},
    {"res.over", "over-committed", "超负荷"},
    {"res.ok", "ok", "正常"},
    {"res.no_findings", "No idle or over-committed pool.", "没有闲置或超负荷的资源池。"},
    /* risk */
    {"risk.intro",
     "%d open risks in the register, placed by likelihood and impact (1-5) before and after "
     "mitigation; the gates every AI system must pass, for its latest version; mitigations and "
     "ethics reviews past due.",
     "风险登记册中共有 %d 项未关闭风险，按可能性与影响（1-5）分别列出缓解前后的分布；每个 AI "
     "系统最新版本须通过的关口；逾期的缓解措施与伦理审查。"},
    {"risk.inherent", "Heatmap before mitigation", "缓解前热力图"},
    {"risk.residual", "Heatmap after mitigation", "缓解后热力图"},
    {"risk.likelihood", "Likelihood", "可能性"},
    {"risk.impact", "Impact", "影响"},
    {"risk.gates", "Gate board", "关口看板"},
    {"risk.overdue", "Overdue mitigations and reviews", "逾期的缓解措施与审查"},
    {"col.system", "AI system", "AI 系统"},
    {"col.version", "Version", "版本"},
    {"sysstage.data_collection", "data collection", "数据采集"},
    {"sysstage.training", "training", "训练"},
    {"sysstage.pre_launch", "pre-launch", "上线前"},
    {"sysstage.launch", "launch", "上线"},
    {"sysstage.operating", "operating", "运行"},
    {"sysstage.retired", "retired", "退役"},
    {"verdict.pass", "pass", "通过"},
    {"verdict.refuse", "refused", "未通过"},
    {"verdict.overridden", "overridden", "已豁免"},
    {"finding.mitigation_overdue", "", "风险“%s”的缓解措施已逾期"},
    {"finding.review_overdue", "", "%s 的伦理审查已逾期"},
    {"finding.suspended", "", "%s 已被伦理审查暂停：所有关口均被阻断"},
    /* stages, statuses, quadrants (the web UI's keys) */
    {"stage.idea", "idea", "构想"},
    {"stage.assessed", "assessed", "已评估"},
    {"stage.approved", "approved", "已批准"},
    {"stage.pilot", "pilot", "试点"},
    {"stage.scaling", "scaling", "推广"},
    {"stage.operating", "operating", "运行"},
    {"stage.retired", "retired", "已退役"},
    {"stage.rejected", "rejected", "已否决"},
    {"kpistatus.on_track", "on track", "正常"},
    {"kpistatus.at_risk", "at risk", "有风险"},
    {"kpistatus.off_track", "off track", "偏离"},
    {"kpistatus.achieved", "achieved", "已达成"},
    {"kpistatus.no_data", "no data", "暂无数据"},
    {"quadrant.quick_win", "quick win", "速赢"},
    {"quadrant.big_bet", "big bet", "重大押注"},
    {"quadrant.fill_in", "fill-in", "补充项"},
    {"quadrant.money_pit", "money pit", "无底洞"},
    {"quadrant.unscored", "unscored", "未评分"},
    {"planstatus.optimal", "optimal", "最优"},
    {"planstatus.feasible", "feasible (time limit reached)", "可行（已达时间上限）"},
    {"planstatus.infeasible", "infeasible", "不可行"},
    {"planstatus.time_limit", "time limit reached", "已达时间上限"},
    {"severity.critical", "critical", "严重"},
    {"severity.error", "error", "错误"},
    {"severity.warning", "warning", "警告"},
    {"severity.info", "info", "提示"},
    {"advice.own", "owning is cheaper", "自建更便宜"},
    {"advice.cloud", "renting is cheaper", "租用更便宜"},
    {"advice.cloud_always", "owning never pays", "自建永不划算"},
    {"advice.no_data", "no usage recorded", "无使用记录"},
    {"advice.incomplete", "prices missing", "价格信息不全"},
    /* keel's findings and reasons: English keeps keel's own sentence (""),
       Chinese words them from the kind and the name (one %s) */
    {"finding.unaligned_initiative", "", "%s 未推动任何 KPI：未对齐，不能获批"},
    {"finding.objective_without_initiative", "", "目标 %s 没有任何项目支撑"},
    {"finding.objective_without_kpi", "", "目标 %s 没有用于衡量的 KPI"},
    {"finding.kpi_off_track", "", "KPI %s 已偏离计划：按当前趋势到目标期达不到目标"},
    {"finding.kpi_at_risk", "", "KPI %s 存在风险：按当前趋势到目标期只能达成部分目标"},
    {"finding.impact_gap", "", "即使所有关联项目都达成预期，KPI %s 仍达不到目标"},
    {"finding.signoffs_missing", "", "%s 的章程尚未完成全部签署"},
    {"finding.idle_pool", "", "资源池 %s 闲置：连续两个季度利用率低于 40%%"},
    {"finding.over_committed_pool", "", "资源池 %s 超负荷：计划或实际使用超过容量"},
    {"finding.team_incomplete", "", "%s 的团队不完整：缺少业务专家、算法工程师或产品经理"},
    {"finding.person_overcommitted", "", "%s 的投入超过其可用时间"},
    {"unfunded.exclusive_funded", "", "与已获资助的“%s”互斥"},
    {"unfunded.depends_unfunded", "", "依赖未获资助的“%s”"},
    {"res.breakeven_line", "%s: break-even at %.0f%% utilisation; %s.",
     "%s：盈亏平衡点为 %.0f%% 利用率；%s。"},
    {"act.summary", "%d open actions, %d of them overdue; closed in %s: %d done, %d cancelled.",
     "未完成行动项 %d 项，其中逾期 %d 项；%s 已关闭：完成 %d 项，取消 %d 项。"},
    {"act.open", "Open actions (overdue first, then by due date)",
     "未完成的行动项（逾期优先，其余按截止日期）"},
    {"act.overdue_days", "overdue %d d", "逾期 %d 天"},
    {"col.action", "Action", "行动项"},
    {"col.owner", "Owner", "负责人"},
    {"col.due", "Due", "截止日期"},
    {"col.about", "About", "关联对象"},
    {"actstatus.open", "open", "未开始"},
    {"actstatus.in_progress", "in progress", "进行中"},
    {"dec.summary", "In %s the committee took %d decisions; %d proposals await its vote.",
     "%s 委员会共作出 %d 项决定；%d 项提案待表决。"},
    {"dec.taken", "Decisions taken this quarter", "本季度已作出的决定"},
    {"dec.pending", "Proposals awaiting a vote", "待表决的提案"},
    {"dec.votes_note", "Votes: for / against / abstain; a decision of one has no vote.",
     "表决：赞成 / 反对 / 弃权；单人决策无表决。"},
    {"col.proposal", "Proposal", "提案"},
    {"col.outcome", "Outcome", "结果"},
    {"col.execution", "Execution", "执行"},
    {"col.votes", "Votes", "表决"},
    {"col.date", "Date", "日期"},
    {"col.action_type", "Action", "动作"},
    {"col.votes_so_far", "Votes so far (eligible)", "目前表决（有表决权人数）"},
    {"outcome.passed", "passed", "通过"},
    {"outcome.rejected", "rejected", "否决"},
    {"outcome.no_quorum", "no quorum", "未达法定人数"},
    {"outcome.direct", "decision of one", "单人决策"},
    {"execution.executed", "executed", "已执行"},
    {"execution.refused", "refused by the rules", "被规则拒绝"},
    {"execution.recorded", "recorded", "已记录"},
    {"execution.none", "not executed", "未执行"},
    {"actiontype.approve_initiative", "Approve an initiative", "批准项目"},
    {"actiontype.move_stage", "Move a stage", "变更阶段"},
    {"actiontype.change_budget", "Change a budget", "调整预算"},
    {"actiontype.pool_capacity", "Change a pool's capacity", "调整资源池容量"},
    {"actiontype.accept_risk", "Accept a risk", "接受风险"},
    {"actiontype.override_gate", "Override a gate", "豁免关卡"},
    {"actiontype.adopt_scenario", "Adopt a plan scenario", "采纳规划情景"},
    {"actiontype.override_rollout", "Override a rollout", "豁免推广限制"},
    {"actiontype.resolve_definition", "Resolve a disputed definition", "裁决有异议的定义"},
    {"prod.summary",
     "%d systems have served users; monitoring holds %d findings about them; in %s %d alerts "
     "fired; %d switch trips await a decision.",
     "已上线服务的系统 %d 个；监控对其记录的发现 %d 项；%s 触发告警 %d 次；%d 次开关跳闸待决定。"},
    {"prod.switch", "%s (fallback: %s)", "%s（回退方案：%s）"},
    {"prod.findings", "Latest monitoring findings", "最新监控发现"},
    {"prod.finding", "%s: %s, segment %s, version %s (%s)", "%s：%s，分段 %s，版本 %s（%s）"},
    {"prod.all", "all", "全部"},
    {"prod.fa_note",
     "False-alarm rate: how often the test flags a system that has not changed, as the test "
     "states it (checked by simulation).",
     "误报率：系统并未变化时检验仍报警的频率，由检验本身给出（经模拟验证）。"},
    {"prod.alerts", "Alerts fired this quarter", "本季度触发的告警"},
    {"col.switch", "Switch", "开关"},
    {"col.findings", "Findings", "发现"},
    {"col.alerts", "Alerts fired", "触发告警"},
    {"col.change", "Baseline \u2192 now", "基线 \u2192 当前"},
    {"col.false_alarm", "False-alarm rate", "误报率"},
    {"col.rule", "Rule", "规则"},
    {"col.severity", "Severity", "严重程度"},
    {"col.fired", "Fired at (UTC)", "触发时间（UTC）"},
    {"prodstatus.healthy", "healthy", "健康"},
    {"prodstatus.degraded", "degraded", "降级"},
    {"prodstatus.decaying", "decaying", "衰退"},
    {"prodstatus.switched_off", "switched off", "已关闭"},
    {"swstate.on", "on", "开启"},
    {"swstate.off", "off", "关闭"},
    {"swstate.shadow", "shadow", "影子"},
    {"swstate.percent", "partial", "部分流量"},
    {"fallback.rules", "rules", "规则"},
    {"fallback.human_review", "human review", "人工审核"},
    {"fallback.previous_version", "previous version", "上一版本"},
    {"fkind.decay", "Decay", "衰退"},
    {"fkind.segment_failure", "Segment failing", "分段失效"},
    {"fkind.drift", "Input drift", "输入漂移"},
    {"fkind.no_data", "No data", "无数据"},
    {"ftest.change_point", "change-point test", "变点检验"},
    {"ftest.trend", "trend test", "趋势检验"},
    {"ftest.drift", "drift test", "漂移检验"},
    {"ftest.no_data", "no events", "无事件"},
    {"metric.accuracy", "accuracy", "准确率"},
    {"metric.error_rate", "error rate", "错误率"},
    {"metric.psi", "input drift (PSI)", "输入漂移（PSI）"},
    {"metric.events", "events", "事件数"},
    {"metric.minutes", "minutes without events", "无事件分钟数"},
    {"val.summary",
     "%s: promised %s, realised %s so far; %d of %d initiatives could be measured, %d of them "
     "below their promise.",
     "%s：承诺价值 %s，目前已实现 %s；%d / %d 个项目可以衡量，其中 %d 个低于承诺。"},
    {"val.method",
     "As the quarterly review states it: for each KPI an initiative moves, its mean after "
     "go-live against its mean before (or against the units not yet rolled out), with a %.0f%% "
     "interval; the share of the expected impact realised. An operating initiative under %.0f%% "
     "of its promise with the whole interval below 100%% is a shortfall (one that keeps its "
     "promise is flagged at most 5%% of the time).",
     "口径与季度复盘一致：对项目推动的每个 "
     "KPI，比较上线后与上线前的均值（或与尚未推广的单位比较），"
     "给出 %.0f%% 区间；已实现的预期影响占比。处于运营阶段、低于承诺 %.0f%% 且整个区间低于 100%% "
     "的项目为价值缺口（兑现承诺的项目被误标的概率不超过 5%%）。"},
    {"val.shortfall", "shortfall (%s)", "价值缺口（%s）"},
    {"val.below", "below promise (%s)", "低于承诺（%s）"},
    {"val.kept", "promise kept (%s)", "达到承诺（%s）"},
    {"val.not_live", "not live yet", "尚未上线"},
    {"val.too_few", "too few KPI values before or after go-live",
     "上线前后 KPI 数据太少，无法衡量"},
    {"valmethod.pre_period", "before vs after go-live", "上线前后对比"},
    {"valmethod.units_not_rolled_out", "vs units not rolled out", "与未推广单位对比"},
    {"valmethod.mixed", "both comparisons", "两种对比"},
    {"col.promised", "Promised", "承诺价值"},
    {"col.realised", "Realised", "已实现"},
    {"col.share", "Share (interval)", "占比（区间）"},
    {"col.verdict", "Verdict", "结论"},
    {"finding.definition_disputed", "", "%s 依赖的定义“%s”尚未达成一致：%s 提出异议"},
    {"finding.definition_unagreed", "", "%s 依赖的定义“%s”尚未达成一致：%s 尚未签署"},
    {"finding.schedule_slip", "", "%s 比计划晚 %d 天进入“%s”阶段（计划 %s）"},
    {"finding.deadline_missed", "", "%s 错过了“%s”（%s）%d 天：届时需处于“%s”阶段"},
    {"slip.blocked", "; blocked: ", "；受阻原因："},
    {"slip.and", "; ", "；"},
    {"list.sep", ", ", "、"},
    {"cause.unaligned", "", "项目未对齐：未关联任何 KPI，未对齐的项目不能获批"},
    {"cause.gate_refused", "", "从“%s”到“%s”的关口拒绝通过：团队或 AI 系统缺少证据"},
    {"cause.definition_disputed", "", "依赖的定义“%s”被 %s 提出异议（自 %s 起）"},
};

int words_lang_known(const char *zLang) {
    return zLang && (strcmp(zLang, "en") == 0 || strcmp(zLang, "zh-CN") == 0);
}

/* The words of zKey, or NULL when the table has none. */
static const char *words_find(const char *zLang, const char *zKey) {
    int bZh = zLang && strcmp(zLang, "zh-CN") == 0;
    for (size_t i = 0; i < sizeof aWord / sizeof aWord[0]; i++)
        if (strcmp(aWord[i].zKey, zKey) == 0) return bZh ? aWord[i].zZh : aWord[i].zEn;
    return NULL;
}

const char *words_get(const char *zLang, const char *zKey) {
    const char *zW = words_find(zLang, zKey);
    return zW ? zW : zKey;
}

const char *words_of(const char *zLang, const char *zPrefix, const char *zName) {
    if (!zName) return "-";
    char z[96];
    snprintf(z, sizeof z, "%s.%s", zPrefix, zName);
    const char *zW = words_find(zLang, z);
    return zW ? zW : zName;
}
