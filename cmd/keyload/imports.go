package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"
)

// importReport is the import of a large sheet under background writes.
type importReport struct {
	rows, sheetBytes int
	steps            []step
	peakKB           int64 // the server's largest RSS while the steps ran
	startKB          int64
	worst            time.Duration // worst write latency overlapping the steps
	during, failed   int
	writes           writeReport
}

// importSheet writes the phase's sheet: accounts with a contact each, owners among the
// reps, one row in fifty naming an earlier row's company again (a duplicate to skip) and
// one in a hundred with an amount that is not one (an error).
func (h *harness) importSheet() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	header := []any{"客户名称", "负责人", "等级", "年度金额", "行业", "区域", "成为客户日期", "联系人", "职位", "电话", "邮箱"}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	tiers := []string{"重点", "成长", "普通", "普通"}
	for i := 1; i <= h.o.importRows; i++ {
		n := i
		if i%50 == 0 {
			n = i - 7
		}
		value := any(10_000 * (1 + h.rnd.IntN(500)))
		if i%100 == 1 {
			value = "面议"
		}
		owner := h.allReps[h.rnd.IntN(len(h.allReps))].Email
		row := []any{fmt.Sprintf("导入测试%s贸易%06d有限公司", h.runID, n), owner, tiers[i%len(tiers)], value, "贸易", "华东",
			"2021-06-01", fmt.Sprintf("联系人%06d", n), "采购经理", fmt.Sprintf("139%08d", n), fmt.Sprintf("buyer%06d@import-%s.example", n, h.runID)}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (h *harness) importPhase(ctx context.Context, rep *report) error {
	sheet, err := h.importSheet()
	if err != nil {
		return err
	}
	ir := &importReport{rows: h.o.importRows, sheetBytes: len(sheet)}
	rep.imports = ir
	id := h.runID + "i"
	stop := h.background(ctx, "writes during the import", id)
	if err := sleep(ctx, time.Second); err != nil {
		stop()
		return err
	}
	var peak atomic.Int64
	done := make(chan struct{})
	if len(h.pids) > 0 {
		rss, _, _ := procStatus(h.pids[0])
		ir.startKB = rss
		go func() {
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				if rss, _, err := procStatus(h.pids[0]); err == nil && rss > peak.Load() {
					peak.Store(rss)
				}
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		}()
	}
	t0 := time.Now()
	h.importSteps(ctx, ir, sheet, &peak)
	t1 := time.Now()
	close(done)
	_ = sleep(ctx, time.Second)
	r := stop()
	if err := ctx.Err(); err != nil {
		return err
	}
	progress(r)
	ir.worst, ir.during, ir.failed = r.during(t0, t1)
	ir.writes = writeReport{res: r, check: checkWrites(ctx, h.db, id)}
	return nil
}

// importSteps uploads the sheet (the dry run), commits it and undoes it, as the manager.
func (h *harness) importSteps(ctx context.Context, ir *importReport, sheet []byte, peak *atomic.Int64) {
	record := func(name string, status int, body []byte, took time.Duration, err error) bool {
		top := peak.Swap(0) // the step's own peak; the phase's is the largest of them
		ir.peakKB = max(ir.peakKB, top)
		s := step{name: name, status: status, took: took, bytes: len(body), peakKB: top, note: clip(body, 300)}
		if err != nil {
			s.note = "error: " + err.Error()
		}
		ir.steps = append(ir.steps, s)
		fmt.Printf("import: %s → %d in %s, %d bytes; %s\n", name, status, ms(took), len(body), clip([]byte(s.note), 200))
		return err == nil && status/100 == 2
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("kind", "accounts")
	fw, _ := mw.CreateFormFile("file", "load.xlsx")
	_, _ = fw.Write(sheet)
	_ = mw.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.srv()+"/api/v1/imports", &form)
	if err != nil {
		record("dry run", 0, nil, 0, err)
		return
	}
	req.Header = h.lead.api.Clone()
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	var body []byte
	status := 0
	if err == nil {
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		status = res.StatusCode
	}
	var created struct {
		ID      int64 `json:"id"`
		Summary any   `json:"summary"`
	}
	if !record("dry run (upload, read, plan, keep)", status, body, time.Since(start), err) {
		return
	}
	if err := json.Unmarshal(body, &created); err != nil {
		record("dry run answer", status, body, 0, err)
		return
	}
	ir.steps[len(ir.steps)-1].note = fmt.Sprint(created.Summary)
	peak.Store(0)
	base := "/api/v1/imports/" + strconv.FormatInt(created.ID, 10)
	status, body, took, err := h.call(ctx, http.MethodPost, base+"/commit", h.lead.json, map[string]any{}, nil)
	if !record("commit", status, body, took, err) {
		return
	}
	status, body, took, err = h.call(ctx, http.MethodPost, base+"/undo", h.lead.json, nil, nil)
	record("undo", status, body, took, err)
}
