module example.com/gopsnative/vulnold

go 1.21

require golang.org/x/text v0.3.6
