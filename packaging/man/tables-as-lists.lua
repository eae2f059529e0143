-- pandoc filter for uvm.conf(5): a man page is 80 columns wide, too narrow for docs/config.md's
-- tables of five or six columns; each row becomes an entry named by its first cell, with one
-- "Column: value" line for each other cell.
local function inlines(blocks)
  return pandoc.utils.blocks_to_inlines(blocks, {pandoc.Space()})
end

function Table(tbl)
  local header = {}
  for i, cell in ipairs(tbl.head.rows[1].cells) do
    header[i] = pandoc.utils.stringify(cell.contents)
  end
  local items = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local lines = {}
      for i = 2, #row.cells do
        local line = pandoc.List({pandoc.Emph(header[i]), pandoc.Str(":"), pandoc.Space()})
        line:extend(inlines(row.cells[i].contents))
        lines[#lines + 1] = pandoc.Para(line)
      end
      items[#items + 1] = {inlines(row.cells[1].contents), {lines}}
    end
  end
  return pandoc.DefinitionList(items)
end
