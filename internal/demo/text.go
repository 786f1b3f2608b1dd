package demo

import "strings"

// Interaction kinds the generator writes (handover_intro belongs to real handovers).
const (
	kCall = iota
	kEmail
	kVisit
	kMeeting
	kMessage
	kHoliday
	kExecVisit
	kNote
	nKinds
)

var kindNames = [nKinds]string{"call", "email", "visit", "meeting", "message", "holiday_greeting", "executive_visit", "note"}

// Everyday contact kinds and how often reps use them.
var (
	dailyKinds   = []int{kCall, kEmail, kVisit, kMeeting, kMessage}
	dailyWeights = []int{30, 25, 12, 12, 21}
)

// Summaries by kind; "%s" stands for the contact's name (or "the customer").
var zhSummaries = [nKinds][]string{
	kCall: {"电话沟通下季度采购计划，客户预计订单量与去年持平", "与%s电话确认交货时间，客户对上一批质量满意",
		"电话跟进报价，客户正在内部走审批流程", "回访上月到货情况，%s反馈包装有破损，已安排补发"},
	kEmail: {"邮件发送新版报价单及付款条款", "邮件回复%s关于发票抬头的问题", "发送产品更新说明和下半年价格调整通知"},
	kVisit: {"上门拜访%s，参观新产线，讨论扩产后的需求", "拜访客户采购部，了解年度招标安排",
		"现场处理设备调试问题，客户认可我们的响应速度"},
	kMeeting:   {"季度业务回顾会，回顾服务指标和改进项", "与%s及技术团队开会讨论续约方案", "参加客户供应商大会，介绍新服务方案"},
	kMessage:   {"微信联系%s，确认下周拜访时间", "微信发送合同修改稿，%s已确认收到", "微信提醒%s付款到期日"},
	kHoliday:   {"春节前送上新春问候和礼品，感谢一年来的合作", "中秋节问候，给%s寄送月饼礼盒"},
	kExecVisit: {"管理层拜访客户总经理，确认明年合作重点", "高层会面：双方就长期合作框架交换意见，%s参加"},
	kNote: {"客户采购负责人可能下月调岗，需尽快认识新的对接人", "竞争对手近期报低价，注意续约风险",
		"内部备注：客户付款周期延长至90天", "客户计划明年上线新ERP系统，可能影响下单流程"},
}

var enSummaries = [nKinds][]string{
	kCall: {"Call about next quarter's purchasing plan; volumes expected flat year on year",
		"Called %s to confirm delivery dates; happy with the last shipment",
		"Followed up on the quote; it is in their internal approval process",
		"Checked on last month's delivery; %s reported damaged packaging, replacement sent"},
	kEmail: {"Sent the updated price list and payment terms", "Answered %s's question about invoice details",
		"Sent product update notes and the H2 price adjustment notice"},
	kVisit: {"Visited %s on site, toured the new line, discussed needs after the expansion",
		"Visited the procurement team to learn about this year's tender schedule",
		"On-site fix for a commissioning issue; customer appreciated the quick response"},
	kMeeting: {"Quarterly business review: service metrics and improvement items",
		"Meeting with %s and their tech team on renewal options", "Presented our new service plan at their supplier day"},
	kMessage: {"Messaged %s to confirm next week's visit", "Sent the contract redline; %s confirmed receipt",
		"Reminded %s of the upcoming payment date"},
	kHoliday: {"Season's greetings and a gift hamper to thank them for the year", "Holiday greeting card sent to %s"},
	kExecVisit: {"Executive visit with their MD to agree next year's priorities",
		"Leadership meeting on a long-term partnership framework; %s attended"},
	kNote: {"Their head of purchasing may move roles next month; meet the successor soon",
		"Competitor is quoting low prices; renewal at risk", "Internal note: customer's payment terms extended to 90 days",
		"Customer rolling out a new ERP next year; may change how they order"},
}

var (
	zhNextSteps = []string{"发送修订报价", "安排技术交流会", "跟进合同签署", "确认续约条款", "预约下次拜访", "提供样品测试"}
	enNextSteps = []string{"Send revised quote", "Schedule a technical workshop", "Follow up on contract signature",
		"Confirm renewal terms", "Book the next site visit", "Share case studies"}
)

var transferReasons = []string{"Territory rebalancing", "Workload rebalancing across the team",
	"The backup has the closer relationship with the customer", "Previous owner moved to new-business development"}

// fill puts the contact's name into a summary template.
func fill(tmpl, name string) string {
	i := strings.Index(tmpl, "%s")
	if i < 0 {
		return tmpl
	}
	return tmpl[:i] + name + tmpl[i+2:]
}
