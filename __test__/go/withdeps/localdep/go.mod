module example.com/gopsnative/localdep

go 1.22
