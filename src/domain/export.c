/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Regulatory exports: see export.h. Each builder gathers what keel holds
 * through the other domain functions (the register, the obligations and
 * their status, evidence, risks, events, data assets and their findings,
 * the SoA) into a document (report/export_doc.h); a value keel does not
 * hold is a field marked missing with what to add, and every such gap is
 * listed again at the end. Words are here in both languages. */
#include "domain/export.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/compliance.h"
#include "domain/org.h"
#include "domain/system.h"
#include "store/store_allocation.h"
#include "store/store_compliance.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Ex {
    Db *db;
    int zh;         /* Chinese */
    json_t *doc;    /* the document */
    json_t *sec;    /* the current section (borrowed from doc) */
    json_t *sys;    /* the system (system_get), per-system kinds */
    json_t *ver;    /* its latest version (borrowed), or NULL */
    json_t *obs;    /* its obligations (compliance_system) */
    char zOrg[256]; /* the organisation's name */
} Ex;

static const char *T(const Ex *x, const char *zEn, const char *zZh) { return x->zh ? zZh : zEn; }

/* Start a section. */
static void sec(Ex *x, const char *zEn, const char *zZh) {
    x->sec = json_pack("{ss}", "heading", T(x, zEn, zZh));
    json_array_append_new(json_object_get(x->doc, "sections"), x->sec);
}

static void text(Ex *x, const char *z) {
    json_t *a = json_object_get(x->sec, "text");
    if (!a) json_object_set_new(x->sec, "text", a = json_array());
    json_array_append_new(a, json_string(z));
}

/* Something still missing, listed at the end under the current section. */
static void gap(Ex *x, const char *zItem) {
    json_array_append_new(
        json_object_get(x->doc, "missing"),
        json_pack("{sO ss}", "section", json_object_get(x->sec, "heading"), "item", zItem));
}

/* A field: its value, or (zValue NULL or empty) marked missing with what
 * to add (zMissEn / zMissZh; NULL: "to be completed"). */
static void field(Ex *x, const char *zRef, const char *zLabelEn, const char *zLabelZh,
                  const char *zValue, const char *zMissEn, const char *zMissZh) {
    json_t *a = json_object_get(x->sec, "fields");
    if (!a) json_object_set_new(x->sec, "fields", a = json_array());
    const char *zLabel = T(x, zLabelEn, zLabelZh);
    json_t *f = json_pack("{ss ss}", "ref", zRef ? zRef : "", "label", zLabel);
    if (zValue && *zValue) {
        json_object_set_new(f, "value", json_string(zValue));
    } else {
        const char *zMiss = zMissEn ? T(x, zMissEn, zMissZh) : T(x, "to be completed", "待填写");
        json_object_set_new(f, "value", json_null());
        json_object_set_new(f, "missing", json_string(zMiss));
        char z[1024];
        snprintf(z, sizeof z, "%s%s%s", zLabel, x->zh ? "——" : " — ", zMiss);
        gap(x, z);
    }
    json_array_append_new(a, f);
}

static void table(Ex *x, json_t *cols, json_t *rows) {
    json_object_set_new(x->sec, "table", json_pack("{so so}", "columns", cols, "rows", rows));
}

/* A flag of a row (true, or an integer 1, as the stores give). */
static int flag(const json_t *o, const char *k) {
    const json_t *v = json_object_get(o, k);
    return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

static int has(const json_t *set, const char *z) {
    size_t i;
    json_t *v;
    json_array_foreach(set, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), z) == 0) return 1;
    return 0;
}

static const char *yes_no(const Ex *x, int b) { return b ? T(x, "yes", "是") : T(x, "no", "否"); }

/* The newest evidence of zKind of the system, or NULL (borrowed). */
static const json_t *evidence(const Ex *x, const char *zKind) {
    const json_t *best = NULL;
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(x->sys, "evidence"), i, ev) {
        if (strcmp(json_get_str(ev, "kind") ? json_get_str(ev, "kind") : "", zKind)) continue;
        const char *z = json_get_str(ev, "created_at");
        if (!best || (z && strcmp(z, json_get_str(best, "created_at")) > 0)) best = ev;
    }
    return best;
}

/* Evidence described: "title (reference), recorded DATE by WHO". */
static const char *evidence_text(const Ex *x, const char *zKind, char *z, size_t n) {
    const json_t *ev = evidence(x, zKind);
    if (!ev) return NULL;
    const char *zTitle = json_get_str(ev, "title"), *zRef = json_get_str(ev, "reference");
    const char *zAt = json_get_str(ev, "created_at");
    snprintf(z, n, "%s%s%s%s %s %.10s", zTitle ? zTitle : zKind, zRef ? " (" : "", zRef ? zRef : "",
             zRef ? ")" : "", T(x, "— recorded", "——记录于"), zAt ? zAt : "");
    return z;
}

/* The set as text, each value through its words (az: {value, en, zh}
 * triples, NULL-terminated; a value without words is shown as is). */
static const char *set_text(const Ex *x, const json_t *set, const char *const (*az)[3], char *z,
                            size_t n) {
    size_t i, k = 0;
    json_t *v;
    z[0] = 0;
    json_array_foreach(set, i, v) {
        const char *zv = json_string_value(v), *zw = zv;
        for (int j = 0; az && az[j][0]; j++)
            if (zv && strcmp(az[j][0], zv) == 0) zw = T(x, az[j][1], az[j][2]);
        k += (size_t)snprintf(z + k, k < n ? n - k : 0, "%s%s", i ? T(x, ", ", "、") : "", zw);
        if (k >= n) break;
    }
    return z;
}

static const char *const azAlgoWords[][3] = {
    {"generative_synthesis", "generative or synthesis", "生成合成类"},
    {"personalised_push", "personalised push", "个性化推送类"},
    {"ranking", "ranking and selection", "排序精选类"},
    {"search_filter", "search and filtering", "检索过滤类"},
    {"dispatch_decision", "dispatch and decision", "调度决策类"},
    {NULL, NULL, NULL}};

static const char *const azConsentWords[][3] = {
    {"consent", "consent (PIPL Art. 13(1))", "取得个人同意（第十三条第一项）"},
    {"contract", "contract or HR management (Art. 13(2))",
     "订立、履行合同或人力资源管理所必需（第十三条第二项）"},
    {"legal_obligation", "legal duty (Art. 13(3))",
     "履行法定职责或者法定义务所必需（第十三条第三项）"},
    {"vital_interests", "emergency: life, health, property (Art. 13(4))",
     "应对突发公共卫生事件或紧急情况所必需（第十三条第四项）"},
    {"public_task", "news and public interest (Art. 13(5))",
     "为公共利益实施新闻报道、舆论监督（第十三条第五项）"},
    {"legitimate_interests", "legitimate interests (GDPR Art. 6(1)(f); no PIPL equivalent)",
     "正当利益（GDPR 第6条第1款f项；《个人信息保护法》无对应依据）"},
    {NULL, NULL, NULL}};

static const char *words_of(const Ex *x, const char *const (*az)[3], const char *zv) {
    for (int j = 0; zv && az[j][0]; j++)
        if (strcmp(az[j][0], zv) == 0) return T(x, az[j][1], az[j][2]);
    return zv;
}

/* The status of the system on the market, from its latest version's
 * stage (Annex VIII A.7). */
static const char *market_status(const Ex *x) {
    const char *z = json_get_str(x->ver, "stage");
    if (!z) return NULL;
    if (strcmp(z, "launch") == 0 || strcmp(z, "operating") == 0)
        return T(x, "on the market / in service", "已投放市场／投入使用");
    if (strcmp(z, "retired") == 0)
        return T(x, "no longer on the market or in service", "已停止投放／停止使用");
    return T(x, "not yet placed on the market (in development)", "尚未投放市场（开发中）");
}

/* Obligations of the pack zPrefix ("eu.", "cn.") that are not met, as
 * gaps of the current section. */
static void open_obligations(Ex *x, const char *zPrefix) {
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(x->obs, "obligations"), i, o) {
        const char *zId = json_get_str(o, "id");
        if (!zId || strncmp(zId, zPrefix, strlen(zPrefix)) ||
            strcmp(json_get_str(o, "status"), "met") == 0)
            continue;
        char z[1024];
        const json_t *title = json_object_get(o, "title");
        static const char *const azStatus[][3] = {
            {"missing", "missing", "缺少证据"},
            {"stale", "stale", "证据已过期"},
            {"failing", "failing", "证据未通过"},
            {"foreign", "foreign", "证据属于其他版本"},
            {"not_evidenced", "not evidenced by the register", "无法由登记册证明"},
            {NULL, NULL, NULL}};
        const char *zDetail = x->zh ? NULL : json_get_str(o, "detail");
        snprintf(z, sizeof z, "%s (%s)%s%s%s%s", json_get_str(title, x->zh ? "zh-CN" : "en"),
                 json_get_str(o, "article"), x->zh ? "：" : ": ",
                 words_of(x, azStatus, json_get_str(o, "status")), zDetail ? " — " : "",
                 zDetail ? zDetail : "");
        gap(x, z);
    }
}

/* ---- the register ------------------------------------------------------ */

static int build_register(Ex *x, KeelError *e) {
    json_t *rows;
    int rc = store_compliance_systems(x->db, &rows);
    if (rc) return err_set(e, rc, "", "cannot read the register: %s", db_errmsg(x->db));
    sec(x, "Systems", "系统");
    static const char *const azCol[][2] = {{"system", "系统"},
                                           {"title", "名称"},
                                           {"initiative", "所属项目"},
                                           {"owner", "负责人"},
                                           {"risk tier", "风险等级"},
                                           {"tier reason", "定级理由"},
                                           {"jurisdictions", "适用法域"},
                                           {"EU role", "欧盟角色"},
                                           {"Annex III area", "附件三领域"},
                                           {"algorithm types (China)", "算法类型"},
                                           {"public opinion capacity", "舆论属性或社会动员能力"},
                                           {"personal data", "个人信息"},
                                           {"sensitive data", "敏感个人信息"},
                                           {"automated decisions", "自动化决策"},
                                           {"public facing", "面向公众"},
                                           {"generative", "生成式"},
                                           {"model source", "模型来源"},
                                           {"latest version", "最新版本"},
                                           {"stage", "阶段"},
                                           {"intended purpose", "预期用途"},
                                           {"deployment", "部署"},
                                           {"obligations", "义务数"},
                                           {"met", "已满足"},
                                           {"open", "未满足"},
                                           {"overdue", "逾期"},
                                           {"missing", "尚缺"}};
    json_t *cols = json_array(), *trows = json_array(), *items = json_array();
    for (size_t c = 0; c < sizeof azCol / sizeof azCol[0]; c++)
        json_array_append_new(cols, json_string(T(x, azCol[c][0], azCol[c][1])));
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_t *sys = NULL, *obs = NULL;
        const char *zName = json_get_str(r, "name");
        rc = system_get(x->db, NULL, zName, &sys, e);
        if (rc == 0) rc = compliance_system(x->db, zName, &obs, e);
        if (rc) {
            json_decref(sys);
            break;
        }
        json_t *vers = json_object_get(sys, "versions");
        const json_t *ver =
            json_array_get(vers, json_array_size(vers) ? json_array_size(vers) - 1 : 0);
        const json_t *cnt = json_object_get(obs, "counts");
        json_t *miss = json_array();
        char zm[1024];
        if (!ver)
            json_array_append_new(miss, json_string(T(x, "no version registered", "尚无登记版本")));
        if (ver && !json_get_str(ver, "purpose"))
            json_array_append_new(miss, json_string(T(x, "intended purpose", "预期用途")));
        if (ver && !json_get_str(ver, "owner_name"))
            json_array_append_new(miss, json_string(T(x, "owner", "负责人")));
        if (!json_array_size(json_object_get(sys, "jurisdictions")))
            json_array_append_new(miss, json_string(T(x, "jurisdictions", "适用法域")));
        size_t o, offO = 0;
        json_t *ob;
        char zOpen[768] = "";
        json_array_foreach(json_object_get(obs, "obligations"), o, ob) {
            if (!strcmp(json_get_str(ob, "status"), "met")) continue;
            offO += (size_t)snprintf(zOpen + offO, offO < sizeof zOpen ? sizeof zOpen - offO : 0,
                                     "%s%s", offO ? ", " : "", json_get_str(ob, "id"));
        }
        if (offO) {
            snprintf(zm, sizeof zm, T(x, "obligations not met: %s", "未满足的义务：%s"), zOpen);
            json_array_append_new(miss, json_string(zm));
        }
        char zJ[128], zA[256], zMiss[1024] = "";
        set_text(x, json_object_get(sys, "jurisdictions"), NULL, zJ, sizeof zJ);
        set_text(x, json_object_get(sys, "algorithm_types"), azAlgoWords, zA, sizeof zA);
        size_t k, off = 0;
        json_t *m;
        json_array_foreach(miss, k, m) off +=
            (size_t)snprintf(zMiss + off, off < sizeof zMiss ? sizeof zMiss - off : 0, "%s%s",
                             k ? "; " : "", json_string_value(m));
        char zN[4][24];
        static const char *const azCnt[] = {"total", "met", "open", "overdue"};
        for (int c = 0; c < 4; c++)
            snprintf(zN[c], sizeof zN[c], "%lld",
                     (long long)json_integer_value(json_object_get(cnt, azCnt[c])));
        const char *az[] = {zName,
                            json_get_str(sys, "title"),
                            json_get_str(sys, "initiative_title"),
                            json_get_str(ver, "owner_name"),
                            json_get_str(sys, "risk_tier"),
                            json_get_str(sys, "tier_reason"),
                            zJ,
                            json_get_str(sys, "eu_role"),
                            json_get_str(sys, "annex_iii_area"),
                            zA,
                            yes_no(x, flag(sys, "public_opinion")),
                            yes_no(x, flag(sys, "personal_data")),
                            yes_no(x, flag(sys, "sensitive_data")),
                            yes_no(x, flag(sys, "automated_decisions")),
                            yes_no(x, flag(sys, "public_facing")),
                            yes_no(x, flag(sys, "generative")),
                            json_get_str(sys, "model_source"),
                            json_get_str(ver, "version"),
                            json_get_str(ver, "stage"),
                            json_get_str(ver, "purpose"),
                            json_get_str(ver, "deployment"),
                            zN[0],
                            zN[1],
                            zN[2],
                            zN[3],
                            zMiss};
        json_t *row = json_array();
        for (size_t c = 0; c < sizeof az / sizeof az[0]; c++)
            json_array_append_new(row, az[c] ? json_string(az[c]) : json_string(""));
        json_array_append_new(trows, row);
        json_array_append_new(
            items,
            json_pack("{ss sO? sO? sO? sO? sO? sO? sO? sO? sO? sb sb sb sb sb sb sO? sO? sO? sO? "
                      "sO? sO? sO? sO}",
                      "name", zName, "title", json_object_get(sys, "title"), "initiative",
                      json_object_get(sys, "initiative_title"), "owner",
                      ver ? json_object_get(ver, "owner_name") : json_null(), "risk_tier",
                      json_object_get(sys, "risk_tier"), "tier_reason",
                      json_object_get(sys, "tier_reason"), "jurisdictions",
                      json_object_get(sys, "jurisdictions"), "eu_role",
                      json_object_get(sys, "eu_role"), "annex_iii_area",
                      json_object_get(sys, "annex_iii_area"), "algorithm_types",
                      json_object_get(sys, "algorithm_types"), "public_opinion",
                      flag(sys, "public_opinion"), "personal_data", flag(sys, "personal_data"),
                      "sensitive_data", flag(sys, "sensitive_data"), "automated_decisions",
                      flag(sys, "automated_decisions"), "public_facing", flag(sys, "public_facing"),
                      "generative", flag(sys, "generative"), "model_source",
                      json_object_get(sys, "model_source"), "version",
                      ver ? json_object_get(ver, "version") : json_null(), "stage",
                      ver ? json_object_get(ver, "stage") : json_null(), "purpose",
                      ver ? json_object_get(ver, "purpose") : json_null(), "deployment",
                      ver ? json_object_get(ver, "deployment") : json_null(), "callers",
                      ver ? json_object_get(ver, "callers") : json_null(), "obligations", cnt,
                      "missing", miss));
        json_array_foreach(miss, k, m) {
            char z[1200];
            snprintf(z, sizeof z, "%s: %s", zName, json_string_value(m));
            gap(x, z);
        }
        json_decref(miss);
        json_decref(sys);
        json_decref(obs);
    }
    json_decref(rows);
    table(x, cols, trows);
    json_object_set_new(x->doc, "items", items);
    return rc;
}

/* ---- EU database registration (Annex VIII) ------------------------------ */

static int build_eu(Ex *x, KeelError *e) {
    (void)e;
    const json_t *s = x->sys;
    const char *zArea = json_get_str(s, "annex_iii_area"), *zRole = json_get_str(s, "eu_role");
    int bHigh = strcmp(json_get_str(s, "risk_tier"), "high") == 0;
    int bProvider = !zRole || strcmp(zRole, "deployer") != 0;
    int bDeployer = zRole && strcmp(zRole, "provider") != 0;
    char z[1024], z2[1024];
    const char *zTitle = json_get_str(s, "title");
    snprintf(z, sizeof z, "%s (%s%s%s)", zTitle, json_get_str(s, "name"),
             x->ver ? T(x, ", version ", "，版本 ") : "",
             x->ver ? json_get_str(x->ver, "version") : "");
    if (bProvider && bHigh) {
        sec(x, "Section A — provider of a high-risk AI system (Art. 49(1))",
            "A 部分——高风险人工智能系统提供者（第49条第1款）");
        char zMissEn[512], zMissZh[512];
        snprintf(zMissEn, sizeof zMissEn,
                 "the address and contact details (keel holds only the name: %s)", x->zOrg);
        snprintf(zMissZh, sizeof zMissZh, "地址与联系方式（keel 仅记录名称：%s）", x->zOrg);
        field(x, "A.1", "Provider: name, address, contact details", "提供者名称、地址、联系方式",
              NULL, zMissEn, zMissZh);
        field(x, "A.2", "Person submitting on the provider's behalf (if any)",
              "代表提供者提交信息的人员（如有）", NULL, "name, address and contact, or \"none\"",
              "姓名、地址和联系方式，或注明“无”");
        field(x, "A.3", "Authorised representative (if any)", "授权代表（如适用）", NULL,
              "name, address and contact, or \"not applicable\"",
              "名称、地址和联系方式，或注明“不适用”");
        field(x, "A.4", "Trade name and unambiguous reference", "商品名称及唯一识别信息", z, NULL,
              NULL);
        const char *zPurpose = json_get_str(x->ver, "purpose"),
                   *zDesc = json_get_str(s, "description");
        snprintf(z2, sizeof z2, "%s%s%s", zPurpose ? zPurpose : "", zPurpose && zDesc ? ". " : "",
                 zDesc ? zDesc : "");
        field(x, "A.5", "Intended purpose; components and functions",
              "预期用途及所支持的组件和功能", zPurpose ? z2 : NULL,
              "the intended purpose (on the system's version)", "预期用途（在系统版本中填写）");
        const char *zAlgo = json_get_str(x->ver, "algorithm"),
                   *zData = json_get_str(x->ver, "training_asset_name");
        snprintf(z2, sizeof z2, "%s%s%s%s", zAlgo ? zAlgo : "", zAlgo && zData ? "; " : "",
                 zData ? T(x, "trained on ", "训练数据：") : "", zData ? zData : "");
        field(x, "A.6", "Information used (data, inputs) and operating logic",
              "所使用的信息（数据、输入）及运行逻辑", zAlgo || zData ? z2 : NULL,
              "the algorithm and the training data asset (on the system's version)",
              "算法与训练数据资产（在系统版本中填写）");
        field(x, "A.7", "Status", "状态", market_status(x), "register a version", "登记一个版本");
        field(x, "A.8", "Notified body certificate: type, number, expiry, body (if any)",
              "公告机构证书类型、编号、有效期及机构（如适用）", NULL,
              "the certificate, or \"internal control (Annex VI)\"",
              "证书信息，或注明“内部控制（附件六）”");
        field(x, "A.9", "Scanned copy of that certificate (if any)", "证书扫描件（如适用）", NULL,
              "attach it, or \"not applicable\"", "附上，或注明“不适用”");
        field(x, "A.10", "Member States where placed on the market or in service",
              "投放市场或投入使用的成员国", NULL, "the Member States (keel knows only \"EU\")",
              "具体成员国（keel 仅记录“欧盟”）");
        const char *zDoc = evidence_text(x, "technical_documentation", z2, sizeof z2);
        field(x, "A.11", "EU declaration of conformity (Art. 47)", "欧盟符合性声明（第47条）", NULL,
              "a copy of the declaration", "声明副本");
        int bNoIfu = zArea && (!strcmp(zArea, "biometrics") || !strcmp(zArea, "law_enforcement") ||
                               !strcmp(zArea, "migration"));
        field(x, "A.12", "Electronic instructions for use", "电子版使用说明",
              bNoIfu
                  ? T(x, "not provided (Annex III points 1, 6, 7)", "不提供（附件三第1、6、7点）")
                  : zDoc,
              "the instructions for use (evidence technical_documentation)",
              "使用说明（technical_documentation 类证据）");
        field(x, "A.13", "URL for additional information (optional)", "更多信息网址（可选）", "—",
              NULL, NULL);
    }
    if (bProvider && !bHigh && zArea) {
        sec(x, "Section B — Annex III system found not high-risk (Art. 6(3), 49(2))",
            "B 部分——经评估不属于高风险的附件三系统（第6条第3款、第49条第2款）");
        field(x, "B.1", "Provider: name, address, contact details", "提供者名称、地址、联系方式",
              NULL, "the organisation's address and contact", "组织地址与联系方式");
        field(x, "B.4", "Trade name and unambiguous reference", "商品名称及唯一识别信息", z, NULL,
              NULL);
        field(x, "B.5", "Intended purpose", "预期用途", json_get_str(x->ver, "purpose"),
              "the intended purpose", "预期用途");
        field(x, "B.6", "Condition of Art. 6(3) relied on and why", "所依据的第6条第3款条件及理由",
              json_get_str(s, "tier_reason"), "the condition and the grounds", "条件与理由");
        field(x, "B.8", "Status", "状态", market_status(x), "register a version", "登记一个版本");
        field(x, "B.9", "Member States", "成员国", NULL, "the Member States", "具体成员国");
    }
    if (bDeployer) {
        sec(x, "Section C — deployer (Art. 49(3): public authorities and bodies acting for them)",
            "C 部分——部署者（第49条第3款：公共机构及代其行事者）");
        field(x, "C.1", "Deployer: name, address, contact details", "部署者名称、地址、联系方式",
              NULL, "the organisation's address and contact", "组织地址与联系方式");
        field(x, "C.2", "Person submitting on the deployer's behalf", "代表部署者提交信息的人员",
              NULL, NULL, NULL);
        field(x, "C.3", "URL of the provider's entry in the EU database",
              "提供者在欧盟数据库中条目的网址", NULL, "ask the provider", "向提供者索取");
        field(x, "C.4", "Summary of the fundamental-rights impact assessment (Art. 27)",
              "基本权利影响评估摘要（第27条）", evidence_text(x, "fria", z2, sizeof z2),
              "record a fria evidence and summarise it", "记录 fria 类证据并撰写摘要");
        char z3[1024];
        field(x, "C.5", "Summary of the data-protection impact assessment (GDPR Art. 35), if any",
              "数据保护影响评估摘要（GDPR 第35条，如有）", evidence_text(x, "pia", z3, sizeof z3),
              "record a pia evidence, or \"not applicable\"", "记录 pia 类证据，或注明“不适用”");
    }
    sec(x, "Registration", "登记");
    field(x, "", "EU database registration", "欧盟数据库登记",
          evidence_text(x, "eu_registration", z2, sizeof z2),
          "register, then record the registration number as evidence eu_registration",
          "完成登记后，将登记号记录为 eu_registration 类证据");
    open_obligations(x, "eu.");
    return 0;
}

/* ---- the Statement of Applicability -------------------------------------- */

/* A gap of the SoA (compliance_soa's English) in the document's language. */
static const char *soa_gap(const Ex *x, const char *z, char *zOut, size_t n) {
    if (!x->zh) return z;
    if (strncmp(z, "no decision", 11) == 0) return "尚未决定：请决定纳入或排除并说明理由";
    if (strcmp(z, "how it is implemented") == 0) return "实施方式";
    const char *p = strstr(z, "kind ");
    if (p) {
        char zKind[64];
        sscanf(p + 5, "%63s", zKind);
        snprintf(zOut, n, "登记册中 %s 类证据", zKind);
        return zOut;
    }
    return z;
}

static int build_soa(Ex *x, KeelError *e) {
    json_t *soa;
    int rc = compliance_soa(x->db, &soa, e);
    if (rc) return rc;
    sec(x, "Annex A controls", "附录 A 控制措施");
    const json_t *cnt = json_object_get(soa, "counts");
    char z[512];
    snprintf(z, sizeof z,
             T(x, "%lld controls, %lld decided, %lld included, %lld with gaps.",
               "共 %lld 项控制，已决定 %lld 项，纳入 %lld 项，尚有缺口 %lld 项。"),
             (long long)json_integer_value(json_object_get(cnt, "controls")),
             (long long)json_integer_value(json_object_get(cnt, "decided")),
             (long long)json_integer_value(json_object_get(cnt, "included")),
             (long long)json_integer_value(json_object_get(cnt, "with_gaps")));
    text(x, z);
    json_t *cols = json_array(), *rows = json_array();
    static const char *const azCol[][2] = {{"control", "控制项"},
                                           {"title", "名称"},
                                           {"decision", "决定"},
                                           {"justification", "理由"},
                                           {"implementation", "实施方式"},
                                           {"owner", "负责人"},
                                           {"evidence in the register", "登记册中的证据"},
                                           {"missing", "尚缺"}};
    for (size_t c = 0; c < 8; c++)
        json_array_append_new(cols, json_string(T(x, azCol[c][0], azCol[c][1])));
    size_t i, k;
    json_t *c, *m, *v;
    json_array_foreach(json_object_get(soa, "controls"), i, c) {
        const json_t *dec = json_object_get(c, "decision");
        char zEv[512], zMiss[1024] = "", zG[160];
        set_text(x, json_object_get(c, "evidence_systems"), NULL, zEv, sizeof zEv);
        size_t off = 0;
        json_array_foreach(json_object_get(c, "missing"), k, m) {
            const char *zg = soa_gap(x, json_string_value(m), zG, sizeof zG);
            off += (size_t)snprintf(zMiss + off, off < sizeof zMiss ? sizeof zMiss - off : 0,
                                    "%s%s", k ? "; " : "", zg);
            snprintf(z, sizeof z, "%s: %s", json_get_str(c, "control"), zg);
            gap(x, z);
        }
        const char *zDec = json_is_object(dec) ? (json_is_true(json_object_get(dec, "included"))
                                                      ? T(x, "included", "纳入")
                                                      : T(x, "excluded", "排除"))
                                               : NULL;
        const char *zTitle = json_get_str(json_object_get(c, "title"), x->zh ? "zh-CN" : "en");
        const char *az[] = {json_get_str(c, "control"),
                            zTitle,
                            zDec,
                            json_get_str(dec, "justification"),
                            json_get_str(dec, "implementation"),
                            json_get_str(dec, "owner_name"),
                            zEv,
                            zMiss};
        json_t *row = json_array();
        for (size_t j = 0; j < 8; j++) {
            /* an undecided control's cells are gaps; an empty one is blank */
            v = az[j] ? json_string(az[j]) : (j == 2 ? json_null() : json_string(""));
            json_array_append_new(row, v);
        }
        json_array_append_new(rows, row);
    }
    table(x, cols, rows);
    json_decref(soa);
    return 0;
}

/* ---- China: the algorithm filing drafts ---------------------------------- */

static void cn_basics(Ex *x) {
    const json_t *s = x->sys;
    char z[512];
    field(x, "1.1", "Service provider", "算法服务提供者", x->zOrg, NULL, NULL);
    field(x, "1.2", "Algorithm name", "算法名称", json_get_str(s, "title"), NULL, NULL);
    field(x, "1.3", "Algorithm type", "算法类型",
          set_text(x, json_object_get(s, "algorithm_types"), azAlgoWords, z, sizeof z),
          "the algorithm types (system flags)", "算法类型（系统标记）");
    field(x, "1.4", "Service form and access path", "服务形式及访问路径",
          json_get_str(x->ver, "deployment"),
          "where users reach it (app, web, mini program) and the path",
          "服务形式（App、网站、小程序等）及访问路径");
    field(x, "1.5", "Application domain", "应用领域", json_get_str(x->ver, "purpose"),
          "the domain and the intended purpose", "应用领域及预期用途");
    field(x, "1.6", "Public-opinion or social-mobilisation capacity", "舆论属性或社会动员能力",
          yes_no(x, flag(s, "public_opinion")), NULL, NULL);
    field(x, "1.7", "Algorithm security officer", "算法安全责任人",
          json_get_str(x->ver, "owner_name"), "the person accountable for algorithm security",
          "算法安全责任人");
}

/* The data assets the system uses (its versions' training and evaluation
 * assets, and those its initiative links), full (alloc_asset_get). */
static int system_assets(Ex *x, json_t **ppOut) {
    json_t *out = json_array(), *links = NULL;
    int64_t aId[64];
    size_t nId = 0, i;
    json_t *v;
    json_array_foreach(json_object_get(x->sys, "versions"), i, v) {
        static const char *const azK[] = {"training_asset_id", "evaluation_asset_id"};
        for (int k = 0; k < 2; k++) {
            int64_t id = json_get_id(v, azK[k]);
            int seen = 0;
            for (size_t j = 0; j < nId; j++)
                seen |= aId[j] == id;
            if (id && !seen && nId < 64) aId[nId++] = id;
        }
    }
    int rc = store_alloc_asset_links(x->db, 0, &links);
    json_array_foreach(links, i, v) {
        if (json_get_id(v, "initiative_id") != json_get_id(x->sys, "initiative_id")) continue;
        int64_t id = json_get_id(v, "asset_id");
        int seen = 0;
        for (size_t j = 0; j < nId; j++)
            seen |= aId[j] == id;
        if (!seen && nId < 64) aId[nId++] = id;
    }
    json_decref(links);
    for (size_t j = 0; rc == 0 && j < nId; j++) {
        json_t *a = NULL;
        rc = alloc_asset_get(x->db, aId[j], &a);
        if (rc == 0) json_array_append_new(out, a);
    }
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}

/* The data section: each asset with personal data, legal basis, purposes,
 * personal-data columns found and its findings. */
static void data_section(Ex *x, const json_t *assets) {
    size_t i, k;
    json_t *a, *w;
    json_t *cols = json_array(), *rows = json_array();
    static const char *const azCol[][2] = {
        {"data asset", "数据资产"},
        {"personal data", "个人信息"},
        {"legal basis", "处理依据"},
        {"purposes", "可用于的用途"},
        {"personal data found in the sample", "样本中发现的个人信息"},
        {"findings", "问题"}};
    for (int c = 0; c < 6; c++)
        json_array_append_new(cols, json_string(T(x, azCol[c][0], azCol[c][1])));
    json_array_foreach(assets, i, a) {
        char zP[512], zPii[512] = "", zF[1024] = "";
        set_text(x, json_object_get(a, "purposes"), NULL, zP, sizeof zP);
        size_t off = 0, offF = 0;
        json_t *c;
        json_array_foreach(
            json_object_get(json_object_get(json_object_get(a, "profile"), "summary"), "columns"),
            k, c) {
            json_t *pii = json_object_get(c, "pii");
            if (!json_is_object(pii)) continue;
            off += (size_t)snprintf(zPii + off, off < sizeof zPii ? sizeof zPii - off : 0,
                                    "%s%s (%s)", off ? ", " : "", json_get_str(c, "name"),
                                    json_get_str(pii, "kind"));
        }
        json_array_foreach(json_object_get(a, "warnings"), k, w) {
            offF += (size_t)snprintf(zF + offF, offF < sizeof zF ? sizeof zF - offF : 0, "%s%s",
                                     offF ? "; " : "", json_get_str(w, "message"));
            char zg[1024];
            snprintf(zg, sizeof zg, "%s: %s", json_get_str(a, "name"), json_get_str(w, "message"));
            gap(x, zg);
        }
        int bPersonal = flag(a, "personal_data");
        const char *zBasis = json_get_str(a, "consent_basis");
        if (bPersonal && !*zP) {
            char zg[512];
            snprintf(zg, sizeof zg,
                     T(x, "%s: the purposes it may serve (purpose limitation)",
                       "%s：可用于的用途（目的限制）"),
                     json_get_str(a, "name"));
            gap(x, zg);
        }
        if (bPersonal && !zBasis) {
            char zg[512];
            snprintf(zg, sizeof zg, T(x, "%s: the legal basis", "%s：处理依据"),
                     json_get_str(a, "name"));
            gap(x, zg);
        }
        json_t *row = json_pack("[s s]", json_get_str(a, "name"), yes_no(x, bPersonal));
        json_array_append_new(row, zBasis      ? json_string(words_of(x, azConsentWords, zBasis))
                                   : bPersonal ? json_null()
                                               : json_string("—"));
        json_array_append_new(row, json_string(*zP ? zP : T(x, "not declared", "尚未声明")));
        json_array_append_new(row, json_string(zPii));
        json_array_append_new(row, json_string(zF));
        json_array_append_new(rows, row);
    }
    if (json_array_size(rows) == 0) {
        text(x,
             T(x,
               "No data asset is recorded for this system (its versions' training and "
               "evaluation data, or the assets its initiative uses).",
               "尚未为该系统记录数据资产（版本的训练和评估数据，或其所属项目使用的数据资产）。"));
        gap(x, T(x, "the data assets the system uses", "系统所使用的数据资产"));
        json_decref(cols);
        json_decref(rows);
        return;
    }
    table(x, cols, rows);
}

/* The risks of the system and its initiative, with their mitigation. */
static int risk_section(Ex *x, const char *zCategory) {
    json_t *risks;
    int rc = store_compliance_risks(x->db, json_get_id(x->sys, "id"),
                                    json_get_id(x->sys, "initiative_id"), &risks);
    if (rc) return rc;
    json_t *cols = json_array(), *rows = json_array();
    static const char *const azCol[][2] = {
        {"risk", "风险"},           {"category", "类别"}, {"likelihood × impact", "可能性×影响"},
        {"mitigation", "防范措施"}, {"owner", "负责人"},  {"status", "状态"}};
    for (int c = 0; c < 6; c++)
        json_array_append_new(cols, json_string(T(x, azCol[c][0], azCol[c][1])));
    size_t i;
    json_t *r;
    json_array_foreach(risks, i, r) {
        const char *zCat = json_get_str(r, "category");
        if (zCategory && zCat && !strstr(zCategory, zCat)) continue;
        char zLI[32];
        snprintf(zLI, sizeof zLI, "%lld × %lld",
                 (long long)json_integer_value(json_object_get(r, "likelihood")),
                 (long long)json_integer_value(json_object_get(r, "impact")));
        json_t *row = json_pack("[s s s]", json_get_str(r, "title"), zCat, zLI);
        const char *zMit = json_get_str(r, "mitigation");
        json_array_append_new(row, zMit ? json_string(zMit) : json_null());
        if (!zMit) {
            char zg[512];
            snprintf(zg, sizeof zg, T(x, "the mitigation of risk \"%s\"", "风险“%s”的防范措施"),
                     json_get_str(r, "title"));
            gap(x, zg);
        }
        json_array_append_new(
            row, json_string(json_get_str(r, "owner_name") ? json_get_str(r, "owner_name") : ""));
        json_array_append_new(row, json_string(json_get_str(r, "status")));
        json_array_append_new(rows, row);
    }
    json_decref(risks);
    if (json_array_size(rows) == 0) {
        text(x,
             T(x, "No risk of this kind is in the risk register for the system or its initiative.",
               "风险登记册中尚无该系统或其所属项目的此类风险。"));
        gap(x,
            T(x, "the risks and their mitigation (risk register)", "风险及防范措施（风险登记册）"));
        json_decref(cols);
        json_decref(rows);
        return 0;
    }
    table(x, cols, rows);
    return 0;
}

static void evidence_field(Ex *x, const char *zRef, const char *zEn, const char *zZh,
                           const char *zKind, const char *zMissEn, const char *zMissZh) {
    char z[1024];
    field(x, zRef, zEn, zZh, evidence_text(x, zKind, z, sizeof z), zMissEn, zMissZh);
}

static int build_algo_self(Ex *x, KeelError *e) {
    json_t *assets = NULL;
    int rc = system_assets(x, &assets);
    if (rc) return err_set(e, rc, "", "cannot read the data assets: %s", db_errmsg(x->db));
    const json_t *s = x->sys;
    if (!flag(s, "public_opinion"))
        json_object_set_new(
            x->doc, "subtitle",
            json_string(T(x,
                          "Filing is required of services with public-opinion or "
                          "social-mobilisation capacity; this system is not marked so. "
                          "Keep this assessment as evidence.",
                          "具有舆论属性或社会动员能力的服务须备案；该系统未标记为此类服务。"
                          "本自评估可作为证据留存。")));
    sec(x, "1. Basic information", "一、基本情况");
    cn_basics(x);
    sec(x, "2. Algorithm: principle and flow", "二、算法原理与流程");
    field(x, "2.1", "Algorithm and model", "算法与模型", json_get_str(x->ver, "algorithm"),
          "the algorithm (on the system's version)", "算法（在系统版本中填写）");
    field(x, "2.2", "How it runs (flow)", "运行流程", json_get_str(s, "description"),
          "the flow from input to result (system description)", "从输入到结果的流程（系统描述）");
    const char *zSrc = json_get_str(s, "model_source");
    field(x, "2.3", "Model source", "模型来源",
          !zSrc                  ? NULL
          : !strcmp(zSrc, "own") ? T(x, "developed in-house", "自主研发")
          : !strcmp(zSrc, "fine_tuned")
              ? T(x, "a third party's model fine-tuned here", "基于第三方模型微调")
              : T(x, "a third party's model", "调用第三方模型"),
          NULL, NULL);
    field(x, "2.4", "Version", "版本", json_get_str(x->ver, "version"), "register a version",
          "登记一个版本");
    field(x, "2.5", "Intervention strategy (manual review, boosting, demotion)",
          "干预策略（人工审核、置顶、降权等）", NULL, NULL, NULL);
    if (flag(s, "generative"))
        evidence_field(x, "2.6", "Labelling of results (GB 45438)", "结果标识（GB 45438）",
                       "label_check", "a label_check evidence", "label_check 类证据");
    sec(x, "3. Data", "三、数据");
    data_section(x, assets);
    sec(x, "4. Users and traffic", "四、服务用户与流量");
    field(x, "4.1", "Who uses it", "服务对象", json_get_str(x->ver, "callers"), "who calls it",
          "服务对象");
    field(x, "4.2", "Users and daily traffic", "用户规模与日均访问量", NULL, NULL, NULL);
    sec(x, "5. Risks and controls", "五、风险与防范措施");
    if ((rc = risk_section(x, NULL))) {
        json_decref(assets);
        return err_set(e, rc, "", "cannot read the risks: %s", db_errmsg(x->db));
    }
    evidence_field(x, "5.1",
                   "Explanation of results (PIPL Art. 24, Algorithm Provisions Art. 16-17)",
                   "结果解释（《个人信息保护法》第二十四条、《算法推荐规定》第十六、十七条）",
                   "explain", "an explain evidence", "explain 类证据");
    evidence_field(x, "5.2", "Switching the algorithm off (user's option, Art. 17)",
                   "关闭算法推荐服务的选项（第十七条）", "switch_test", "a switch_test evidence",
                   "switch_test 类证据");
    evidence_field(x, "5.3", "Fairness of outcomes", "结果公平性", "fairness",
                   "a fairness evidence", "fairness 类证据");
    evidence_field(x, "5.4", "Security assessment", "安全评估", "security_assessment",
                   "a security_assessment evidence", "security_assessment 类证据");
    evidence_field(x, "5.5", "Incident handling", "安全事件处置", "incident_report",
                   "the incident procedure or an incident_report evidence",
                   "安全事件处置机制或 incident_report 类证据");
    sec(x, "6. Management systems", "六、管理制度");
    evidence_field(x, "6.1", "Ethics review", "科技伦理审查", "ethics_review",
                   "an ethics_review evidence", "ethics_review 类证据");
    evidence_field(x, "6.2", "Monitoring", "监测", "monitoring", "a monitoring evidence",
                   "monitoring 类证据");
    field(x, "6.3", "Complaints channel", "投诉举报渠道", NULL, NULL, NULL);
    sec(x, "7. Filing status", "七、备案情况");
    evidence_field(x, "7.1", "Filing number", "备案编号", "filing",
                   "after filing, record the number as a filing evidence",
                   "备案后将备案编号记录为 filing 类证据");
    open_obligations(x, "cn.algo");
    json_decref(assets);
    return 0;
}

static int build_algo_public(Ex *x, KeelError *e) {
    (void)e;
    const json_t *s = x->sys;
    char z[512];
    sec(x, "Text to publish (Algorithm Provisions Art. 16, 24)",
        "拟公示内容（《算法推荐规定》第十六条、第二十四条）");
    text(x,
         T(x,
           "Published in a prominent place of the service: the basic principle, purpose and main "
           "operating mechanism of the algorithm.",
           "在服务显著位置公示算法推荐服务的基本原理、目的意图和主要运行机制。"));
    field(x, "1", "Algorithm name", "算法名称", json_get_str(s, "title"), NULL, NULL);
    field(x, "2", "Algorithm type", "算法类型",
          set_text(x, json_object_get(s, "algorithm_types"), azAlgoWords, z, sizeof z),
          "the algorithm types", "算法类型");
    field(x, "3", "Basic principle", "算法基本原理", json_get_str(x->ver, "algorithm"),
          "the principle in plain words", "以通俗语言说明的基本原理");
    field(x, "4", "Operating mechanism", "运行机制", json_get_str(s, "description"),
          "how inputs become results", "输入如何得到结果");
    field(x, "5", "Application scenario", "应用场景", json_get_str(x->ver, "deployment"),
          "where users meet it", "用户在何处接触到该算法");
    field(x, "6", "Purpose", "目的意图", json_get_str(x->ver, "purpose"), "the purpose",
          "目的意图");
    field(x, "7", "Your options: switch personalisation off, complain",
          "用户权利：关闭个性化推荐、投诉",
          evidence(x, "switch_test")
              ? T(x, "personalisation can be switched off", "可关闭个性化推荐")
              : NULL,
          "how users switch it off and where they complain", "用户如何关闭以及投诉渠道");
    field(x, "8", "Filing number", "备案编号", json_get_str(evidence(x, "filing"), "reference"),
          "the number, once filed", "备案后填写备案编号");
    return 0;
}

/* ---- PIPL impact assessment record --------------------------------------- */

static int build_pia(Ex *x, KeelError *e) {
    json_t *assets = NULL, *events = NULL;
    int rc = system_assets(x, &assets);
    if (rc == 0) rc = store_compliance_events(x->db, json_get_id(x->sys, "id"), &events);
    if (rc) {
        json_decref(assets);
        return err_set(e, rc, "", "cannot read the system's data: %s", db_errmsg(x->db));
    }
    const json_t *s = x->sys;
    char z[1024];
    sec(x, "1. Processing assessed (PIPL Art. 55)",
        "一、评估的处理活动（《个人信息保护法》第五十五条）");
    field(x, "1.1", "Personal information handler", "个人信息处理者", x->zOrg, NULL, NULL);
    snprintf(z, sizeof z, "%s (%s)", json_get_str(s, "title"), json_get_str(s, "name"));
    field(x, "1.2", "AI system", "人工智能系统", z, NULL, NULL);
    size_t off = 0;
    z[0] = 0;
    static const char *const azTrig[][3] = {
        {"sensitive_data", "processes sensitive personal information (Art. 55(1))",
         "处理敏感个人信息（第五十五条第一项）"},
        {"automated_decisions", "automated decision-making (Art. 55(2))",
         "利用个人信息进行自动化决策（第五十五条第二项）"},
        {"transfer_abroad", "provides personal information abroad (Art. 55(4))",
         "向境外提供个人信息（第五十五条第四项）"},
        {"public_facing",
         "other processing with a significant impact: a public service (Art. 55(5))",
         "其他对个人权益有重大影响的处理：面向公众的服务（第五十五条第五项）"}};
    for (int t = 0; t < 4; t++)
        if (flag(s, azTrig[t][0]))
            off += (size_t)snprintf(z + off, off < sizeof z ? sizeof z - off : 0, "%s%s",
                                    off ? T(x, "; ", "；") : "", T(x, azTrig[t][1], azTrig[t][2]));
    field(
        x, "1.3", "Why an assessment is required", "需要评估的情形", z,
        "none of Art. 55's cases is flagged: say which applies (entrusting, sharing or publishing, "
        "Art. 55(3))",
        "未标记第五十五条所列情形：请说明适用情形（委托处理、向他人提供、公开，第五十五条第三项）");
    field(x, "1.4", "Purpose of the processing", "处理目的", json_get_str(x->ver, "purpose"),
          "the purpose", "处理目的");
    field(x, "1.5", "Method of processing", "处理方式", json_get_str(x->ver, "algorithm"),
          "how the information is processed", "处理方式");
    sec(x, "2. Lawful, legitimate, necessary (Art. 56(1))",
        "二、处理目的、方式的合法性、正当性、必要性（第五十六条第一项）");
    data_section(x, assets);
    sec(x, "3. Impact on individuals' rights and security risks (Art. 56(2))",
        "三、对个人权益的影响及安全风险（第五十六条第二项）");
    if ((rc = risk_section(x, "privacy security bias_ethics compliance"))) {
        json_decref(assets);
        json_decref(events);
        return err_set(e, rc, "", "cannot read the risks: %s", db_errmsg(x->db));
    }
    if (flag(s, "automated_decisions"))
        evidence_field(x, "3.1", "Fairness of automated decisions (Art. 24)",
                       "自动化决策结果公平公正（第二十四条）", "fairness", "a fairness evidence",
                       "fairness 类证据");
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        if (strcmp(json_get_str(ev, "kind"), "incident")) continue;
        snprintf(z, sizeof z, "%s: %s", json_get_str(ev, "occurred_on"),
                 json_get_str(ev, "description"));
        field(x, "3.2", "Incident", "安全事件", z, NULL, NULL);
    }
    sec(x, "4. Protection measures: lawful, effective, proportionate (Art. 56(3))",
        "四、保护措施是否合法、有效并与风险程度相适应（第五十六条第三项）");
    evidence_field(x, "4.1", "Consent records", "同意记录", "consent_record",
                   "a consent_record evidence", "consent_record 类证据");
    if (flag(s, "automated_decisions")) {
        evidence_field(x, "4.2", "Explanation on request (Art. 24(3))",
                       "应个人要求予以说明（第二十四条第三款）", "explain", "an explain evidence",
                       "explain 类证据");
        evidence_field(x, "4.3",
                       "Option not targeted at personal characteristics; refusal (Art. 24(2))",
                       "不针对个人特征的选项或拒绝方式（第二十四条第二款）", "switch_test",
                       "a switch_test evidence", "switch_test 类证据");
    }
    field(x, "4.4", "Security measures (encryption, de-identification, access control)",
          "安全保护措施（加密、去标识化、访问控制）", NULL, NULL, NULL);
    sec(x, "5. Record", "五、记录");
    evidence_field(x, "5.1", "Assessment report", "评估报告", "pia",
                   "record the signed report as a pia evidence",
                   "将签署的评估报告记录为 pia 类证据");
    const json_t *pia = evidence(x, "pia");
    char zKeep[32] = "";
    if (pia && json_get_str(pia, "created_at")) {
        int y = atoi(json_get_str(pia, "created_at"));
        snprintf(zKeep, sizeof zKeep, "%04d%.6s", y + 3, json_get_str(pia, "created_at") + 4);
    }
    field(x, "5.2", "Keep until (at least 3 years, Art. 56)", "保存至（至少三年，第五十六条）",
          zKeep[0] ? zKeep : NULL, "3 years from the report's date", "自报告之日起三年");
    field(x, "5.3", "Assessed before processing began (Art. 55)", "是否在处理前评估（第五十五条）",
          NULL, "the date of the assessment and of the start of processing",
          "评估日期与开始处理日期");
    open_obligations(x, "cn.pipl");
    json_decref(assets);
    json_decref(events);
    return 0;
}

/* ---- the kinds ---------------------------------------------------------- */

typedef struct Kind {
    const char *zKind;
    const char *zEn, *zZh; /* title */
    int bSystem;           /* one document per system */
    const char *zFormat;   /* default format */
    const char *zLang;     /* default language */
    int (*xBuild)(Ex *, KeelError *);
} Kind;

static const Kind aKind[] = {
    {"register", "AI system register", "人工智能系统登记册", 0, "csv", "en", build_register},
    {"eu-registration", "EU database registration data (AI Act Art. 49, Annex VIII)",
     "欧盟数据库登记信息（《人工智能法》第49条、附件八）", 1, "md", "en", build_eu},
    {"soa", "Statement of Applicability (ISO/IEC 42001:2023, 6.1.3 d)",
     "适用性声明（ISO/IEC 42001:2023，6.1.3 d）", 0, "md", "en", build_soa},
    {"algorithm-self-assessment", "Algorithm self-assessment report (draft)",
     "算法自评估报告（草稿）", 1, "md", "zh-CN", build_algo_self},
    {"algorithm-disclosure", "Algorithm text to publish (draft)", "拟公示内容（草稿）", 1, "md",
     "zh-CN", build_algo_public},
    {"pipl-pia", "Personal information protection impact assessment record (PIPL Art. 55-56)",
     "个人信息保护影响评估记录（《个人信息保护法》第五十五、五十六条）", 1, "md", "zh-CN",
     build_pia},
};
#define N_KIND (sizeof aKind / sizeof aKind[0])

/* Whether a per-system kind applies to system row s; zWhy (n bytes) says
 * why not, in English. */
static int kind_applies(const Kind *k, const json_t *s, char *zWhy, size_t n) {
    const json_t *j = json_object_get(s, "jurisdictions");
    const char *zName = json_get_str(s, "name");
    if (!strcmp(k->zKind, "eu-registration")) {
        if (has(j, "eu") &&
            (!strcmp(json_get_str(s, "risk_tier"), "high") || json_get_str(s, "annex_iii_area")))
            return 1;
        snprintf(zWhy, n,
                 "%s is not registered in the EU database: that needs jurisdictions to include eu "
                 "and the system to be high-risk or in an Annex III area (set them on the system)",
                 zName);
        return 0;
    }
    if (!strncmp(k->zKind, "algorithm-", 10)) {
        if (has(j, "cn") && json_array_size(json_object_get(s, "algorithm_types"))) return 1;
        snprintf(zWhy, n,
                 "%s is not an algorithm service under China's Algorithm Provisions: that needs "
                 "jurisdictions to include cn and at least one algorithm type (set them on the "
                 "system)",
                 zName);
        return 0;
    }
    if (!strcmp(k->zKind, "pipl-pia")) {
        if (has(j, "cn") && flag(s, "personal_data")) return 1;
        snprintf(zWhy, n,
                 "%s needs no PIPL impact assessment: that needs jurisdictions to include cn and "
                 "personal_data (set them on the system)",
                 zName);
        return 0;
    }
    return 1;
}

static json_t *system_rows(Db *db) {
    json_t *rows = NULL;
    if (store_compliance_systems(db, &rows)) return json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        /* the stored sets ",a,b," as arrays, as system_get gives them */
        static const char *const azSet[] = {"jurisdictions", "algorithm_types"};
        for (int k = 0; k < 2; k++) {
            json_t *a = json_set_parse(json_get_str(r, azSet[k]));
            json_object_set_new(r, azSet[k], a);
        }
    }
    return rows;
}

int export_kinds(Db *db, json_t **ppOut, KeelError *e) {
    (void)e;
    json_t *rows = system_rows(db), *out = json_array();
    for (size_t k = 0; k < N_KIND; k++) {
        json_t *o = json_pack("{ss s{ss ss} sb s[ssss] ss ss}", "kind", aKind[k].zKind, "title",
                              "en", aKind[k].zEn, "zh-CN", aKind[k].zZh, "per_system",
                              aKind[k].bSystem, "formats", "md", "html", "csv", "json",
                              "default_format", aKind[k].zFormat, "default_lang", aKind[k].zLang);
        if (aKind[k].bSystem) {
            json_t *names = json_array();
            size_t i;
            json_t *r;
            char zWhy[512];
            json_array_foreach(rows, i, r) if (kind_applies(&aKind[k], r, zWhy, sizeof zWhy))
                json_array_append(names, json_object_get(r, "name"));
            json_object_set_new(o, "systems", names);
        }
        json_array_append_new(out, o);
    }
    json_decref(rows);
    *ppOut = json_pack("{so}", "kinds", out);
    return 0;
}

const char *export_default_format(const char *zKind) {
    for (size_t i = 0; i < N_KIND; i++)
        if (zKind && !strcmp(aKind[i].zKind, zKind)) return aKind[i].zFormat;
    return NULL;
}

int export_document(Db *db, const Principal *who, const char *zKind, const char *zSystem,
                    const char *zLang, json_t **ppDoc, KeelError *e) {
    if (!(who->role & (ROLE_ADMIN | ROLE_COMMITTEE | ROLE_OWNER | ROLE_RISK)))
        return err_set(e, KEEL_EFORBIDDEN, "",
                       "the exports are for admins, the committee, risk officers and business "
                       "owners (their own systems)");
    const Kind *k = NULL;
    for (size_t i = 0; i < N_KIND; i++)
        if (zKind && !strcmp(aKind[i].zKind, zKind)) k = &aKind[i];
    if (!k)
        return err_set(e, KEEL_ENOTFOUND, "kind",
                       "no export '%.40s': register, eu-registration, soa, "
                       "algorithm-self-assessment, algorithm-disclosure or pipl-pia",
                       zKind ? zKind : "");
    if (!zLang) zLang = k->zLang;
    if (strcmp(zLang, "en") && strcmp(zLang, "zh-CN"))
        return err_set(e, KEEL_EINVAL, "lang", "lang is en or zh-CN, not '%.20s'", zLang);
    Ex x = {.db = db, .zh = !strcmp(zLang, "zh-CN")};
    json_t *org = NULL;
    int rc = org_settings_get(db, who, &org, e);
    if (rc) return rc;
    snprintf(x.zOrg, sizeof x.zOrg, "%s",
             json_get_str(org, "name") ? json_get_str(org, "name") : "");
    json_decref(org);
    if (k->bSystem) {
        if (!zSystem || !*zSystem) {
            json_t *rows = system_rows(db);
            char zList[512] = "", zWhy[512];
            size_t i, off = 0;
            json_t *r;
            json_array_foreach(rows, i, r) if (kind_applies(k, r, zWhy, sizeof zWhy)) off +=
                (size_t)snprintf(zList + off, off < sizeof zList ? sizeof zList - off : 0, "%s%s",
                                 off ? ", " : "", json_get_str(r, "name"));
            json_decref(rows);
            return err_set(e, KEEL_EINVAL, "system",
                           "name the system (?system=NAME; keel export --system NAME): this export "
                           "is per system%s%s",
                           *zList ? "; it applies to " : " and applies to no system yet", zList);
        }
        rc = system_get(db, NULL, zSystem, &x.sys, e);
        if (rc == KEEL_ENOTFOUND)
            return err_set(e, rc, "system",
                           "no AI system named '%.64s' (GET /api/v1/systems lists them)", zSystem);
        if (rc) return rc;
        char zWhy[512];
        if (!kind_applies(k, x.sys, zWhy, sizeof zWhy)) {
            json_decref(x.sys);
            return err_set_code(e, KEEL_ERULE, "not_applicable", "system", "%s", zWhy);
        }
        if (who->role == ROLE_OWNER &&
            (rc = system_may_edit(db, who, json_get_id(x.sys, "initiative_id"), e))) {
            json_decref(x.sys);
            return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "system",
                                "a business owner exports only the documents of the systems of "
                                "the initiatives they own");
        }
        json_t *vers = json_object_get(x.sys, "versions");
        x.ver = json_array_size(vers) ? json_array_get(vers, json_array_size(vers) - 1) : NULL;
        rc = compliance_system(db, zSystem, &x.obs, e);
        if (rc) {
            json_decref(x.sys);
            return rc;
        }
    }
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    x.doc = json_pack("{ss ss ss ss ss s[] s[]}", "kind", k->zKind, "title", T(&x, k->zEn, k->zZh),
                      "lang", zLang, "organisation", x.zOrg, "generated_at", zNow, "sections",
                      "missing");
    if (zSystem && k->bSystem) json_object_set_new(x.doc, "system", json_string(zSystem));
    char zNote[1024];
    snprintf(zNote, sizeof zNote,
             T(&x,
               "Draft generated by keel on %.10s for %s from what it holds%s%s. Every value "
               "marked MISSING is for you to complete; check the whole against the official "
               "text before filing.",
               "由 keel 于 %.10s "
               "根据其记录为%s生成的草稿%s%"
               "s。标记“待补充”的内容须由您补全；提交前请对照官方文本核对全文。"),
             zNow, x.zOrg, x.sys ? T(&x, ", system ", "，系统 ") : "",
             x.sys ? json_get_str(x.sys, "title") : "");
    json_object_set_new(x.doc, "note", json_string(zNote));
    if (!strcmp(k->zKind, "eu-registration"))
        json_object_set_new(
            x.doc, "verified",
            json_string(T(&x,
                          "Annex VIII's items are paraphrased from Regulation (EU) 2024/1689 "
                          "from memory, not from a reference kept with keel: verify them.",
                          "附件八各项系根据（欧盟）2024/1689 号条例凭记忆转述，并非依据 keel "
                          "保存的参考资料：请核实。")));
    rc = k->xBuild(&x, e);
    if (rc == 0) {
        const char *zVer = json_get_str(x.doc, "verified");
        if (zVer) {
            char z2[2048];
            snprintf(z2, sizeof z2, "%s %s", zNote, zVer);
            json_object_set_new(x.doc, "note", json_string(z2));
        }
        *ppDoc = x.doc;
        x.doc = NULL;
    }
    json_decref(x.doc);
    json_decref(x.sys);
    json_decref(x.obs);
    return rc;
}
